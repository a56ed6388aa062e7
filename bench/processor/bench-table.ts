/** The table the processor bench writes to: the key schema of the seed's `<stack>-EventData`. */
export const BENCH_TABLE = { tableName: "bench-EventData", hashKey: "Username", rangeKey: "Id" };
