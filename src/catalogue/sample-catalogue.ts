import { loadDuckDb } from "../importer/duckdb-module.ts";
import { SAMPLE_PRODUCTS, type SampleProduct } from "../importer/sample-products.ts";
import { CatalogueSourceError } from "../errors.ts";

/** Options of {@link createSampleCatalogueDuckDb}. */
export interface SampleCatalogueOptions {
  /**
   * Products in the file: the sample products ({@link SAMPLE_CATALOGUE_PRODUCTS}) first, then generated ones
   * (`TBU…` references) up to this number, for benchmarks. Defaults to the sample products only.
   */
  products?: number;
}

/** The products the sample catalogue holds first, which the sample letters' matches point at. */
export const SAMPLE_CATALOGUE_PRODUCTS: readonly SampleProduct[] = SAMPLE_PRODUCTS;

const quote = (value: string | null): string => (value === null ? "NULL" : `'${value.replace(/'/g, "''")}'`);

/**
 * Writes an IBcatalogue-shaped DuckDB file at `path` (which must not exist): one table `products` with the
 * real file's kind of columns (`PRODUCT_IDENTIFIER`, `PRODUCT_DESCRIPTION`, `BRAND_LABEL`, `RANGE_CODE`,
 * `RANGE_LABEL`, `SUBRANGE_LABEL`, `DEVICETYPE_LABEL`, `COMMERCIAL_STATUS`, `END_OF_PRODUCTION_DATE`,
 * `END_OF_COMMERCIALISATION`, `AVERAGE_LIFE_DURATION_IN_YEARS`, `WARRANTY_DURATION_IN_MONTHS`, `BU_LABEL`).
 * The same options give the same data.
 *
 * @throws {CatalogueSourceError} when `@duckdb/node-api` is missing or not of the supported line.
 */
export async function createSampleCatalogueDuckDb(path: string, options: SampleCatalogueOptions = {}): Promise<void> {
  const { DuckDBInstance } = await loadDuckDb(path, (problem, cause) => new CatalogueSourceError(path, "duckdb-unavailable", problem, cause === undefined ? undefined : { cause }));
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE products (
  PRODUCT_IDENTIFIER VARCHAR, PRODUCT_TYPE VARCHAR, PRODUCT_DESCRIPTION VARCHAR, BRAND_LABEL VARCHAR, RANGE_CODE DOUBLE,
  RANGE_LABEL VARCHAR, SUBRANGE_LABEL VARCHAR, DEVICETYPE_LABEL VARCHAR, COMMERCIAL_STATUS VARCHAR,
  END_OF_PRODUCTION_DATE TIMESTAMP, END_OF_COMMERCIALISATION TIMESTAMP, AVERAGE_LIFE_DURATION_IN_YEARS DOUBLE,
  WARRANTY_DURATION_IN_MONTHS DOUBLE, BU_LABEL VARCHAR)`);
    const values = SAMPLE_CATALOGUE_PRODUCTS.map((product, index) => {
      const ended = index % 3 === 0;
      return `(${[
        quote(product.identifier), quote("Product"), quote(product.description), quote(product.brand), String(1000 + (index % 40)),
        quote(product.rangeLabel), quote(product.subrangeLabel), quote(product.deviceType),
        quote(ended ? "18-End of commercialisation" : "08-Commercialised"),
        ended ? `TIMESTAMP '${2019 + (index % 5)}-12-31 00:00:00'` : "NULL",
        ended ? `TIMESTAMP '${2020 + (index % 5)}-06-30 00:00:00'` : "NULL",
        String(10 + (index % 15)), index % 4 === 0 ? "NULL" : "18", quote(index % 2 === 0 ? "Industrial Automation" : "Power Products"),
      ].join(", ")})`;
    });
    await connection.run(`INSERT INTO products VALUES ${values.join(",\n")}`);
    const extra = Math.max(0, (options.products ?? 0) - SAMPLE_CATALOGUE_PRODUCTS.length);
    if (extra > 0) {
      await connection.run(`
INSERT INTO products
SELECT 'TBU' || lpad(i::VARCHAR, 8, '0'), 'Product', 'Accutech wireless sensor ' || (i % 977) || ' - ' || ['pressure', 'temperature', 'flow', 'level'][1 + i % 4],
  'Schneider Electric', (2000 + i % 4000)::DOUBLE, 'Accutech ' || (i % 4000), CASE WHEN i % 7 = 0 THEN 'Sub-range ' || (i % 5) END,
  'Sensor', CASE WHEN i % 2 = 0 THEN '08-Commercialised' ELSE '18-End of commercialisation' END,
  CASE WHEN i % 2 = 1 THEN TIMESTAMP '2015-01-01 00:00:00' + to_days((i % 3000)::INTEGER) END, NULL,
  (5 + i % 20)::DOUBLE, NULL, 'Industrial Automation'
FROM range(1, ${extra + 1}) t(i)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
