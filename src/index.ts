/**
 * `@se-letters/db`: the PostgreSQL database of SE Letters for TypeScript services: configuration,
 * a connected Prisma client, migrations and health checks.
 *
 * @example
 * import { connectDatabase, migrate } from "@se-letters/db";
 *
 * await migrate(); // applies pending migrations (DATABASE_URL or DB_* from the environment)
 * const db = await connectDatabase();
 * try {
 *   console.log(await db.prisma.letter.count());
 * } finally {
 *   await db.close();
 * }
 */
export { checkDatabaseHealth, type HealthReport } from "./client/health-check.ts";
export { connectDatabase, type ConnectOptions, type DatabaseClient } from "./client/database-client.ts";
export { onPrimary } from "./client/read-routing.ts";
export type { ReadCounts, ReadReplicaStatus, ReplicaState } from "./client/replica-set.ts";
export { stderrLogger, type DatabaseLogger, type LogEntry, type LogLevel } from "./client/database-logger.ts";
export {
  DATABASE_DEFAULTS,
  describeDatabaseTarget,
  resolveDatabaseConfig,
  type DatabaseConfig,
  type DatabaseOptions,
} from "./config/database-config.ts";
export { SSL_MODES, type SslMode } from "./config/ssl-mode.ts";
export { SUPPORTED_URL_PARAMETERS } from "./config/database-url.ts";
export type { TlsFiles } from "./config/tls-files.ts";
export {
  ConfigurationError,
  DATABASE_ERROR_CODES,
  DatabaseError,
  DatabaseUnavailableError,
  DirectConnectionRequiredError,
  ForeignKeyViolationError,
  InsufficientPrivilegeError,
  isDatabaseError,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationPreviouslyFailedError,
  MigrationsNotFoundError,
  NotFoundError,
  QueryTimeoutError,
  SchemaNotMigratedError,
  TransactionConflictError,
  UniqueConflictError,
  ValidationError,
  WriteOutcomeUnknownError,
  type ConfigurationIssue,
  type DatabaseErrorCode,
  type QueryTimeoutKind,
  type ValidationIssue,
} from "./errors.ts";
export { mapDatabaseError } from "./map-database-error.ts";
export { getDatabaseReport, DATABASE_REPORT_VERSION, type DatabaseReport } from "./monitoring/database-report.ts";
export { REPORT_DEFAULTS, type ReportOptions } from "./monitoring/report-options.ts";
export type { ConnectionActivity, SessionSummary } from "./monitoring/connection-activity.ts";
export type { LockWait } from "./monitoring/lock-waits.ts";
export type { TableStatistics } from "./monitoring/table-statistics.ts";
export type { IndexUsage } from "./monitoring/index-usage.ts";
export type { CacheHits, DatabaseTotals } from "./monitoring/database-totals.ts";
export type { StatementFigures, StatementStatistics } from "./monitoring/statement-statistics.ts";
export type { ReplicaStatus } from "./monitoring/replica-status.ts";
export type { ReportProblem } from "./monitoring/monitoring-session.ts";
export { checkDatabase, CHECK_RESULT_VERSION, type CheckOptions, type CheckResult } from "./monitoring/check-database.ts";
export { CHECK_DEFAULTS, type CheckThresholds, type ResolvedCheckThresholds } from "./monitoring/check-thresholds.ts";
export { CHECK_NAMES, type Breach, type CheckName } from "./monitoring/threshold-breaches.ts";
export { renderDatabaseMetrics, type MetricsOptions } from "./monitoring/database-metrics.ts";
export { PROMETHEUS_CONTENT_TYPE, type HistogramSeries, type MetricLabels, type MetricSample } from "./monitoring/prometheus-text.ts";
export { createRepositoryMetrics, DEFAULT_LATENCY_BUCKETS, type RepositoryMetrics } from "./monitoring/repository-metrics.ts";
export { EmbeddedPostgresError } from "./embedded/embedded-postgres-error.ts";
export { migrate, type MigrateOptions, type MigrateResult } from "./migrate/migrate.ts";
export { defaultMigrationsDirectory, readMigrationFiles, type MigrationFile } from "./migrate/migration-files.ts";
export { markMigrationApplied, markMigrationRolledBack } from "./migrate/resolve-migration.ts";
export { createRoles, READONLY_ROLE, rolesSqlFile, SERVICE_ROLE, type CreateRolesResult } from "./roles/create-roles.ts";
export { Prisma, PrismaClient } from "./generated/prisma/client.ts";
export type { Letter, LetterProduct, LetterProductMatch, ProcessingDebug } from "./generated/prisma/client.ts";
export { LetterRepository, type LetterRepositoryClient } from "./letters/letter-repository.ts";
export type { ExtendedPrismaClient } from "./letters/extended-client.ts";
export type { LetterRepositoryOptions, RepositoryCall, RepositoryObserver } from "./letters/repository-observer.ts";
export { jsonValueSchema, type JsonValue } from "./letters/json-value.ts";
export {
  createLetterInputSchema,
  debugStepInputSchema,
  letterIncludeSchema,
  letterProductInputSchema,
  productMatchInputSchema,
  replaceLetterInputSchema,
  type CreateLetterInput,
  type DebugStepInput,
  type LetterInclude,
  type LetterProductInput,
  type ProductMatchInput,
  type ReplaceLetterInput,
} from "./letters/letter-schemas.ts";
export {
  DEFAULT_PAGE_LIMIT,
  LETTER_SORT_KEYS,
  MAX_PAGE_LIMIT,
  letterCursorSearchInputSchema,
  letterSearchInputSchema,
  type LetterCursorSearchInput,
  type LetterSearchInput,
  type LetterSortKey,
  type SortOrder,
} from "./letters/letter-search-schemas.ts";
export type {
  DebugStepRecord,
  LetterCursorPage,
  LetterPage,
  LetterProductRecord,
  LetterRecord,
  LetterStatistics,
  LetterWith,
  LetterWithChildren,
  ProductMatchRecord,
  ReplaceResult,
  StatusCount,
} from "./letters/letter-types.ts";
export { EXACT_TOTAL_LIMIT } from "./letters/search-total.ts";
export { DEFAULT_MAX_FILTERED_OFFSET, DEFAULT_MAX_OFFSET, type OffsetPageOptions } from "./letters/offset-page.ts";
export type { StatisticsOptions } from "./letters/statistics-cache.ts";
