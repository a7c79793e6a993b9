// The benchmark's data set, generated inside PostgreSQL with generate_series. Every value derives from
// hashes of the row number, so two databases loaded with this SQL hold identical rows.

/** Bump when the generated rows change: databases are named after it and rebuilt. */
export const DATASET_VERSION = 1;

/**
 * Product ranges with their identifier prefixes, most common first. A product's range is picked with
 * a cubic skew (`floor(n * u^3)`), so the first range holds about a quarter of the products and the
 * last ones a fraction of a percent: some ranges very common, most rare.
 */
export const RANGES: readonly (readonly [name: string, code: string])[] = [
  ["Masterpact", "MTZ"], ["Compact NSX", "LV4"], ["Acti9", "A9F"], ["TeSys", "LC1D"], ["Altivar", "ATV"],
  ["Modicon M340", "BMX"], ["PIX", "PIX"], ["SM6", "SM6"], ["Sepam", "SEP"], ["Galaxy", "GVX"],
  ["Easergy", "EMS"], ["PowerLogic", "PM8"], ["Zelio", "SR2"], ["Harmony", "XB5"], ["Magelis", "HMI"],
  ["Lexium", "LXM"], ["Premium", "TSX"], ["Quantum", "140"], ["Twido", "TWD"], ["Vigilohm", "IM4"],
  ["Multi 9", "MG2"], ["Prisma", "PRA"], ["Canalis", "KSA"], ["Micrologic", "MIC"], ["Evolis", "EVS"],
  ["Ringmaster", "RMS"], ["Genie", "GEV"], ["MCset", "MCS"], ["Okken", "OKK"], ["Blokset", "BLK"],
  ["Symmetra", "SYA"], ["Smart-UPS", "SMT"], ["Back-UPS", "BX1"], ["VAMP", "VMP"], ["MiCOM", "P14"],
  ["Rollarc", "ROL"], ["Fluair", "FLA"], ["Trihal", "TRH"], ["Minera", "MNR"], ["Ecofit", "ECF"],
  ["Masterbloc", "MBL"], ["Interpact", "INS"], ["Vigi", "VIG"], ["TeSys U", "LUB"], ["Altistart", "ATS"],
  ["Phaseo", "ABL"], ["OsiSense", "XS6"], ["Preventa", "XPS"], ["Pragma", "PRG"], ["Kaedra", "KAE"],
  ["Mureva", "MUR"], ["Thorsman", "TMS"], ["Unica", "MGU"], ["Odace", "S52"], ["Wiser", "WSR"],
  ["Spacial", "NSY"], ["ClimaSys", "NSYC"], ["Thalassa", "THA"], ["Sarel", "SRL"], ["Tesys T", "LTM"],
];

/** A term that no generated name, title or path contains (checked when the data set is built). */
export const NO_MATCH_TERM = "qzxjwv";

const rangeValues = RANGES.map(([name, code], index) => `(${index}, '${name}', '${code}')`).join(",\n      ");

/** The tables the data set fills, children after parents. */
export const DATA_TABLES = ["letters", "letter_products", "letter_product_matches", "processing_debug"] as const;

/**
 * Fills letters (`letterCount`), five products per letter and one catalogue match per letter. Runs with
 * `session_replication_role = replica` (no FK triggers, no updated_at trigger) on empty tables whose
 * secondary indexes were dropped; ids are explicit and the sequences are moved past them.
 */
export function generateDataSql(letterCount: number): string {
  const n = Math.trunc(letterCount);
  return `
SET session_replication_role = replica;
SET synchronous_commit = off;
CREATE TEMP TABLE bench_ranges (idx int PRIMARY KEY, name text, code text);
INSERT INTO bench_ranges VALUES
      ${rangeValues};
-- u(x): a deterministic uniform number in [0, 1) from an integer.
CREATE FUNCTION pg_temp.u(x bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
  $$ SELECT (hashint8(x) & 2147483647)::float8 / 2147483648.0 $$;
-- range_of(x): a skewed range index, 0 the most common.
CREATE FUNCTION pg_temp.range_of(x bigint) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$ SELECT floor(${RANGES.length} * pg_temp.u(x) ^ 3)::int $$;
-- ident(product number, range code): mostly unique identifiers, 10% from 300 popular ones.
CREATE FUNCTION pg_temp.ident(p bigint, code text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN pg_temp.u(p * 31 + 7) < 0.1
    THEN code || lpad((floor(pg_temp.u(p * 37 + 1) * 300)::int * 3331 % 1000000)::text, 6, '0')
    ELSE code || lpad(floor(pg_temp.u(p * 41 + 3) * 1000000)::int::text, 6, '0')
         || (ARRAY['', '', 'N4', 'H1', 'M2', 'B'])[1 + floor(pg_temp.u(p * 43 + 5) * 6)::int]
  END $$;

CREATE TEMP TABLE bench_letter_base AS
SELECT i,
       r.name AS range_name, r.code AS range_code,
       pg_temp.ident(i * 5, r.code) AS first_ident,
       (ARRAY['end_of_commercialization', 'end_of_service', 'product_withdrawal', 'substitution_notice', 'obsolescence'])
         [1 + floor(pg_temp.u(i * 7 + 2) ^ 2 * 5)::int] AS kind,
       2019 + floor((i - 1)::float8 / ${n} * 7)::int AS year,
       timestamp '2019-01-01' + ((i - 1)::float8 / ${n} * 7 * 365.25 + pg_temp.u(i * 7 + 3) * 2 - 1) * interval '1 day' AS created
FROM generate_series(1, ${n}) AS i
JOIN bench_ranges r ON r.idx = pg_temp.range_of(i * 5);

INSERT INTO letters (id, document_name, document_type, document_title, source_file_path, file_size, file_hash,
  processing_method, processing_time_ms, extraction_confidence, created_at, updated_at, status,
  raw_grok_json, validation_details_json)
SELECT b.i,
       b.first_ident || '_' || replace(b.range_name, ' ', '_') || '_' || b.kind || '_' || b.year || '_' || lpad(b.i::text, 7, '0') || '.pdf',
       (ARRAY['obsolescence_letter', 'obsolescence_letter', 'obsolescence_letter', 'end_of_service', 'product_change'])[1 + floor(pg_temp.u(b.i * 7 + 4) * 5)::int],
       (ARRAY['End of commercialization of ', 'End of service notice: ', 'Withdrawal of ', 'Substitution of ', 'Obsolescence of '])[1 + floor(pg_temp.u(b.i * 7 + 5) * 5)::int]
         || b.range_name || ' ' || (ARRAY['circuit breakers', 'contactors', 'drives', 'controllers', 'switchgear', 'relays', 'UPS units', 'accessories'])[1 + floor(pg_temp.u(b.i * 7 + 6) * 8)::int]
         || ' (' || b.first_ident || ' and related references)',
       '/data/letters/' || b.year || '/' || replace(lower(b.range_name), ' ', '-') || '/' || b.first_ident || '_' || b.kind || '_' || lpad(b.i::text, 7, '0') || '.pdf',
       40000 + floor(pg_temp.u(b.i * 7 + 8) * 4000000)::int,
       md5('letter-' || b.i),
       'production_pipeline',
       (800 + pg_temp.u(b.i * 7 + 9) * 20000)::real,
       CASE WHEN pg_temp.u(b.i * 7 + 10) < 0.05 THEN NULL ELSE (0.55 + pg_temp.u(b.i * 7 + 11) * 0.45)::real END,
       b.created,
       b.created + pg_temp.u(b.i * 7 + 12) * interval '3 days',
       CASE WHEN pg_temp.u(b.i * 7 + 13) < 0.94 THEN 'processed'
            WHEN pg_temp.u(b.i * 7 + 13) < 0.97 THEN 'failed'
            WHEN pg_temp.u(b.i * 7 + 13) < 0.99 THEN 'pending'
            ELSE 'processing' END,
       jsonb_build_object('document_type', 'obsolescence_letter', 'ranges', jsonb_build_array(b.range_name), 'model', 'grok-2'),
       jsonb_build_object('valid', pg_temp.u(b.i * 7 + 14) < 0.9)
FROM bench_letter_base b;

INSERT INTO letter_products (id, letter_id, product_identifier, range_label, subrange_label, product_line,
  product_description, obsolescence_status, end_of_service_date, replacement_suggestions, confidence_score, validation_status)
SELECT p, l.i, pg_temp.ident(p, r.code), r.name,
       r.name || ' ' || (ARRAY['Standard', 'Advanced', 'Compact', 'Heavy duty'])[1 + floor(pg_temp.u(p * 3 + 1) * 4)::int],
       (ARRAY['PPIBS', 'IDPAS', 'PSIBS', 'DPIBS', 'SESBS'])[1 + floor(pg_temp.u(p * 3 + 2) * 5)::int],
       r.name || ' product ' || pg_temp.ident(p, r.code),
       (ARRAY['commercialized', 'end_of_commercialization', 'end_of_service'])[1 + floor(pg_temp.u(p * 3 + 3) * 3)::int],
       (2020 + floor(pg_temp.u(p * 3 + 4) * 10)::int)::text || '-12-31',
       CASE WHEN pg_temp.u(p * 3 + 5) < 0.5 THEN NULL ELSE r.code || lpad(floor(pg_temp.u(p * 3 + 6) * 1000000)::int::text, 6, '0') END,
       (0.5 + pg_temp.u(p * 3 + 7) * 0.5)::real,
       'validated'
FROM bench_letter_base l
CROSS JOIN LATERAL generate_series(l.i * 5 - 4, l.i * 5) AS p
JOIN bench_ranges r ON r.idx = CASE WHEN p = l.i * 5 OR pg_temp.u(p * 3 + 8) < 0.6 THEN pg_temp.range_of(l.i * 5) ELSE pg_temp.range_of(p) END;

INSERT INTO letter_product_matches (id, letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence,
  match_reason, match_type, range_based_matching, created_at)
SELECT i, i, i * 5, first_ident, (0.6 + pg_temp.u(i * 11) * 0.4)::real, 'identifier match', 'exact', false, created
FROM bench_letter_base;

SELECT setval(pg_get_serial_sequence('letters', 'id'), ${n});
SELECT setval(pg_get_serial_sequence('letter_products', 'id'), ${n * 5});
SELECT setval(pg_get_serial_sequence('letter_product_matches', 'id'), ${n});
DROP TABLE bench_letter_base;
RESET session_replication_role;
`;
}
