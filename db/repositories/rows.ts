import type { Tx } from '../connection';

/**
 * The columns asked for of the first row of `table` that matches `where`: the one shape of
 * "find an X by its Y" the repositories share, typed by the row they describe.
 */
export async function firstRow<Row, C extends keyof Row & string>(db: Tx, table: string, where: Record<string, unknown>, columns: readonly C[]): Promise<Pick<Row, C> | undefined> {
  const row = await db(table).where(where).first([...columns]);
  return row as Pick<Row, C> | undefined;
}
