import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";

const tableList = z.array(z.object({ table_schema: z.string(), table_name: z.string() }));
const textRows = z.array(z.object({ row: z.string().nullable() }));

function rowsOf(result: unknown): unknown {
  // postgres-js returns an array of rows, PGlite an object with `rows`.
  return Array.isArray(result) ? result : z.object({ rows: z.array(z.unknown()) }).parse(result).rows;
}

/**
 * Every row of every table outside the system schemas (the app's and pg-boss's), each rendered as
 * text: what a leaked backup would show. Tests search it for secrets that must never be stored.
 */
export async function dumpDatabase(database: Database): Promise<{ text: string; tables: string[] }> {
  const tables = tableList.parse(
    rowsOf(
      await database.execute(
        sql`select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      ),
    ),
  );
  const parts: string[] = [];
  for (const t of tables) {
    const rows = textRows.parse(rowsOf(await database.execute(sql.raw(`select t::text as row from "${t.table_schema}"."${t.table_name}" t`))));
    for (const r of rows) if (r.row) parts.push(r.row);
  }
  return { text: parts.join("\n"), tables: tables.map((t) => `${t.table_schema}.${t.table_name}`) };
}
