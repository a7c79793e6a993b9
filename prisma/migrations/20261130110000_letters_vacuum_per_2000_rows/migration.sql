-- Keep letters' visibility map current, so that deep offset pages stay index-only walks (issue 12).
-- Measured on a million letters under the pipeline's 40 writes/s: its inserts, status updates and
-- replacements land on pages with free space all over the table (the free space map), clearing the
-- all-visible bit of about 130 pages a second; a walk of a page 4,000 deep by name then read 2,511
-- rows from the table after 40 s of writes instead of none (each a random read, about 5-10 µs). The
-- 1% of the previous migration (20261130100000_offset_pages) lets 10,000 rows change first: about four
-- minutes, a quarter of the table's pages. Vacuum letters after 2,000 changed or inserted rows instead:
-- about once per autovacuum_naptime (1 minute) at that rate. Each visit reads only the pages changed
-- since the last one, plus its indexes when dead rows are on more than 2% of the pages.
ALTER TABLE "letters" SET (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 2000,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 2000
);
