#!/usr/bin/env bash
# Acceptance test of the package as a service installs it, in new npm projects in a temp folder:
#   1. from the packed tarball (what a registry serves): ESM and CJS consumers type-check under strict,
#      skipLibCheck false, module nodenext, then run; the importer entry loads without DuckDB and says what
#      to install, refuses DuckDB 1.4 by version, and with the newest tested DuckDB (which the peer range
#      must accept: npm refuses an optional peer outside it) writes a DuckDB file, and imports it;
#   2. from a git URL of this checkout (HEAD; npm builds dist/ with the package's prepare script);
#   3. inside an npm workspace whose member service depends on it by path (the tarball);
#   4. in a monorepo whose workspaces hold its source (HEAD) and a service depending on it by version;
# and the CLI from each: `npx se-letters-db --version` and `npx se-letters-db import --help`.
# Usage: scripts/consumer-test.sh [TARBALL]   (without TARBALL it packs the checkout, which builds it)
# With CONSUMER_TEST_DATABASE_URL (or SMOKE_DATABASE_URL: a server URL whose user may create databases) the
# tarball consumer also migrates a scratch database with the CLI and imports the DuckDB file into it.
# Reuses the npm cache (--prefer-offline): a warm cache needs no network. Any failing step fails the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(node -p "require('$root/package.json').version")
typescript=$(node -p "require('$root/node_modules/typescript/package.json').version")
types_node=$(node -p "require('$root/node_modules/@types/node/package.json').version")
npm_install=(npm install --no-audit --no-fund --prefer-offline --loglevel=error)

step() { echo "-- consumer test: $*"; }
fail() { echo "consumer test failed: $*" >&2; exit 1; }

tarball=${1:-}
if [ -z "$tarball" ]; then
  step "npm pack (runs prepare: generate and build)"
  tarball="$work/$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
# The newest DuckDB release the importer was tested with, from the built package.
duckdb=$(node --input-type=module -e "import { SUPPORTED_DUCKDB } from '$root/dist/importer/index.js'; console.log(SUPPORTED_DUCKDB.tested.at(-1))")

# A consumer project's files: strict TypeScript that imports the three entries (main, importer, catalogue) as ESM and as CJS.
write_consumer() {
  local dir=$1
  cat >"$dir/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": false,
    "types": ["node"],
    "outDir": "out"
  },
  "files": ["esm.mts", "cjs.cts"]
}
JSON
  cat >"$dir/esm.mts" <<'TS'
import { checkDatabaseHealth, connectDatabase, DatabaseError, isDatabaseError, migrate, PrismaClient, resolveDatabaseConfig, type Letter } from "@se-letters/db";
import { createSampleLettersDuckDb, importDuckDb, SUPPORTED_DUCKDB, type ImportSummary } from "@se-letters/db/importer";
import { enrichLetterMatches, openPostgresCatalogue, type EnrichedMatch } from "@se-letters/db/catalogue";

const letter: Pick<Letter, "id" | "documentName"> = { id: 1, documentName: "a.pdf" };
const summary: ImportSummary | undefined = undefined;
const enriched: EnrichedMatch[] = [];
for (const [name, value] of Object.entries({ checkDatabaseHealth, connectDatabase, DatabaseError, isDatabaseError, migrate, PrismaClient, resolveDatabaseConfig, createSampleLettersDuckDb, importDuckDb, enrichLetterMatches, openPostgresCatalogue })) {
  if (typeof value !== "function") throw new Error(`ESM: ${name} is not a function`);
}
console.log(`ESM consumer loads the three entries (${enriched.length} matches, letter ${letter.id}, summary ${String(summary)}, DuckDB ${SUPPORTED_DUCKDB.line})`);

// Writes a sample DuckDB file: with @duckdb/node-api missing this must fail with IMPORT_SOURCE_INVALID naming it.
const file = process.argv[2];
if (file !== undefined) {
  try {
    await createSampleLettersDuckDb(file, { letters: 50, productsPerLetter: 2, debugStepsPerLetter: 1 });
    console.log(`ESM consumer wrote ${file}`);
  } catch (error) {
    if (isDatabaseError(error)) console.log(`${error.code}: ${error.message}`);
    else throw error;
  }
}
TS
  cat >"$dir/cjs.cts" <<'TS'
import { connectDatabase, isDatabaseError, PrismaClient } from "@se-letters/db";
import { createSampleLettersDuckDb, importDuckDb } from "@se-letters/db/importer";
import { openPostgresCatalogue } from "@se-letters/db/catalogue";

for (const [name, value] of Object.entries({ connectDatabase, isDatabaseError, PrismaClient, createSampleLettersDuckDb, importDuckDb, openPostgresCatalogue })) {
  if (typeof value !== "function") throw new Error(`CJS: ${name} is not a function`);
}
console.log("CJS consumer loads the three entries");
TS
}

# Type-checks and builds the consumer, runs both flavours, and the CLI through npx.
check_consumer() {
  local dir=$1
  (cd "$dir" && npx tsc -p tsconfig.json) || fail "$dir: the consumer does not type-check (strict, skipLibCheck false, nodenext)"
  (cd "$dir" && node out/esm.mjs && node out/cjs.cjs) || fail "$dir: the consumer does not run"
  local printed
  printed=$(cd "$dir" && npx --no-install se-letters-db --version) || fail "$dir: se-letters-db --version failed"
  [ "$printed" = "$version" ] || fail "$dir: se-letters-db --version printed '$printed', not $version"
  printed=$(cd "$dir" && npx --no-install se-letters-db import --help) || fail "$dir: se-letters-db import --help failed"
  grep -q "se-letters-db import --from FILE" <<<"$printed" || fail "$dir: se-letters-db import --help is not import's usage"
  echo "se-letters-db --version: $version; import --help: import's usage"
}

new_project() {
  local dir=$1
  mkdir -p "$dir"
  printf '{ "name": "%s", "version": "1.0.0", "private": true, "type": "module" }\n' "$(basename "$dir")" >"$dir/package.json"
}

# 1. From the tarball.
step "install the tarball $(basename "$tarball") (no DuckDB)"
app="$work/from-tarball"
new_project "$app"
# npm 11 lists the package's prepare script for review for a tarball source (it never runs it for one):
# approved as `npm approve-scripts @se-letters/db` writes it, and --strict-allow-scripts proves it is covered.
node -e "const f = process.argv[1], p = require(f); p.allowScripts = { 'file:$tarball': true }; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$app/package.json"
(cd "$app" && "${npm_install[@]}" --strict-allow-scripts "$tarball" "typescript@$typescript" "@types/node@$types_node")
write_consumer "$app"
check_consumer "$app"
step "importer without @duckdb/node-api: a clear error"
out=$(cd "$app" && node out/esm.mjs "$work/sample.duckdb")
for expected in "IMPORT_SOURCE_INVALID: " "the optional package @duckdb/node-api is not installed" "tested with " "npm install @duckdb/node-api@$duckdb"; do
  grep -qF "$expected" <<<"$out" || fail "without DuckDB the importer did not say '$expected': $out"
done
[ ! -e "$work/sample.duckdb" ] || fail "without DuckDB a file was written"
step "importer with @duckdb/node-api of another line (1.4, forced past the peer range): refused by name and version"
(cd "$app" && "${npm_install[@]}" --legacy-peer-deps --no-save "@duckdb/node-api@1.4.4-r.4")
out=$(cd "$app" && node out/esm.mjs "$work/sample.duckdb")
for expected in "IMPORT_SOURCE_INVALID: " "@duckdb/node-api 1.4.4-r.4 is installed, but the importer supports DuckDB 1.5" "npm install @duckdb/node-api@$duckdb"; do
  grep -qF "$expected" <<<"$out" || fail "with DuckDB 1.4 the importer did not say '$expected': $out"
done
[ ! -e "$work/sample.duckdb" ] || fail "with DuckDB 1.4 a file was written"
step "install @duckdb/node-api@$duckdb beside it (npm refuses it if the peer range does not accept it)"
(cd "$app" && "${npm_install[@]}" "@duckdb/node-api@$duckdb")
out=$(cd "$app" && node out/esm.mjs "$work/sample.duckdb")
grep -q "ESM consumer wrote" <<<"$out" || fail "with @duckdb/node-api@$duckdb the sample file was not written: $out"
step "the README's prisma.config.ts: Prisma's CLI loads it and finds the shipped schema and migrations"
# The block is taken from the README, so the documented file is the tested one. `migrate deploy` itself needs
# Prisma's schema engine, which these machines cannot download; `validate` loads the same configuration.
node -e '
  const readme = require("fs").readFileSync(process.argv[1], "utf8");
  const block = readme.match(/```ts\n(import \{ defineConfig \} from "prisma\/config";[\s\S]*?)```/);
  if (!block) { console.error("no prisma.config.ts block in the README"); process.exit(1); }
  require("fs").writeFileSync(process.argv[2], block[1]);
' "$root/README.md" "$app/prisma.config.ts"
prisma_version=$(node -p "require('$root/package.json').devDependencies.prisma")
(cd "$app" && "${npm_install[@]}" "prisma@$prisma_version")
out=$(cd "$app" && PRISMA_SCHEMA_ENGINE_BINARY="$(command -v node)" npx --no-install prisma validate 2>&1) || fail "prisma validate with the README's prisma.config.ts failed: $out"
grep -q "node_modules/@se-letters/db/prisma/schema.prisma is valid" <<<"$out" || fail "prisma validate did not load the shipped schema: $out"
admin=${CONSUMER_TEST_DATABASE_URL:-${SMOKE_DATABASE_URL:-}}
if [ -n "$admin" ]; then
  step "migrate a scratch database and import the DuckDB file with the installed CLI"
  scratch="se_letters_consumer_$(node -p "require('crypto').randomBytes(4).toString('hex')")"
  target=$(node -e "const u = new URL(process.argv[1]); u.pathname = '/$scratch'; console.log(u.toString())" "$admin")
  sql() { (cd "$app" && node -e "const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] }); c.connect().then(() => c.query(process.argv[2])).finally(() => c.end())" "$admin" "$1"); }
  sql "CREATE DATABASE $scratch"
  status=0
  (cd "$app" && npx --no-install se-letters-db migrate --database-url "$target" >/dev/null && npx --no-install se-letters-db import --from "$work/sample.duckdb" --database-url "$target" --quiet) || status=$?
  sql "DROP DATABASE IF EXISTS $scratch WITH (FORCE)"
  [ "$status" -eq 0 ] || fail "migrate or import with the installed package failed (exit $status)"
fi

# 2. From a git URL of this checkout: npm clones it, installs its devDependencies, runs prepare (generate and
# build) and packs that. The consumer approves the git source's scripts by its URL in allowScripts.
commit=$(git -C "$root" rev-parse HEAD)
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] || echo "note: uncommitted changes are not part of the git install (it installs HEAD, $commit)"
step "install git+file://$root#$commit"
app="$work/from-git"
new_project "$app"
node -e "const f = process.argv[1], p = require(f); p.allowScripts = { 'git+file://$root': true }; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$app/package.json"
(cd "$app" && "${npm_install[@]}" --strict-allow-scripts "git+file://$root#$commit" "typescript@$typescript" "@types/node@$types_node")
[ -f "$app/node_modules/@se-letters/db/dist/index.js" ] || fail "the git install has no dist/"
write_consumer "$app"
check_consumer "$app"

# 3. Inside an npm workspace: a member service depends on the package by path (the tarball in the repository).
step "npm workspace whose member depends on it by path"
ws="$work/workspace"
new_project "$ws"
node -e "const f = process.argv[1], p = require(f); p.workspaces = ['services/*']; p.allowScripts = { 'file:$ws/vendor/se-letters-db.tgz': true }; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$ws/package.json"
mkdir -p "$ws/vendor" && cp "$tarball" "$ws/vendor/se-letters-db.tgz"
new_project "$ws/services/api"
node -e "const f = process.argv[1], p = require(f); p.dependencies = { '@se-letters/db': 'file:../../vendor/se-letters-db.tgz' }; p.devDependencies = { typescript: '$typescript', '@types/node': '$types_node' }; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$ws/services/api/package.json"
(cd "$ws" && "${npm_install[@]}" --strict-allow-scripts)
write_consumer "$ws/services/api"
check_consumer "$ws/services/api"

# 4. A monorepo: the package's source (HEAD) is a workspace member and a service depends on it by version;
# npm links it and runs its prepare script (generate and build) as for the root project.
step "npm workspace holding the package's source, a member service depending on it by version"
mono="$work/monorepo"
new_project "$mono"
node -e "const f = process.argv[1], p = require(f); p.workspaces = ['packages/*', 'services/*']; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$mono/package.json"
mkdir -p "$mono/packages/db"
git -C "$root" archive "$commit" | tar -x -C "$mono/packages/db"
new_project "$mono/services/api"
node -e "const f = process.argv[1], p = require(f); p.dependencies = { '@se-letters/db': '$version' }; p.devDependencies = { typescript: '$typescript', '@types/node': '$types_node' }; require('fs').writeFileSync(f, JSON.stringify(p, null, 2))" "$mono/services/api/package.json"
(cd "$mono" && "${npm_install[@]}")
[ -L "$mono/node_modules/@se-letters/db" ] || fail "the monorepo's @se-letters/db is not a link to its workspace"
write_consumer "$mono/services/api"
check_consumer "$mono/services/api"

echo "consumer test passed in $((SECONDS - started)) s"
