// cdktf's HCL output is neither indented nor aligned, and quotes `depends_on` references, which Terraform
// deprecates. This rewrites it the way `terraform fmt` would, so the HCL we hand users is clean on machines without
// Terraform too. It relies on cdktf's layout (one attribute, block header, list item or closing bracket per line);
// it is not a general HCL formatter.

const INDENT = "  ";
/** `key = value`, the key an identifier or a quoted string, as cdktf writes attributes and map entries. */
const ATTRIBUTE = /^([A-Za-z_][A-Za-z0-9_-]*|"[^"]*")\s*=\s*(.*)$/;
const HEREDOC_OPENER = /<<-?([A-Za-z_][A-Za-z0-9_]*)$/;
/** A string that is one interpolation and nothing else: Terraform reads `"${x}"` as `x`, and fmt unwraps it. */
const INTERPOLATION_ONLY = /^"\$\{([^{}"]*)\}"$/;
const QUOTED_REFERENCE = /^"([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)"(,?)$/;

interface Line {
  /** Leading indentation level. */
  depth: number;
  /** The line without indentation; for an attribute, `key` and `value` instead. */
  text: string;
  key?: string;
  value?: string;
  /** Heredoc body and closing marker: kept byte for byte. */
  verbatim: string[];
}

const opens = (text: string) => /[{[(]$/.test(text);
const closes = (text: string) => /^[}\])]/.test(text);

function parse(source: string): Line[] {
  const physical = source.replace(/\r\n/g, "\n").split("\n");
  const lines: Line[] = [];
  let depth = 0;
  let inDependsOn = false;
  for (let i = 0; i < physical.length; i++) {
    let text = (physical[i] ?? "").trim();
    if (closes(text)) depth = Math.max(0, depth - 1);
    const line: Line = { depth, text, verbatim: [] };
    if (inDependsOn && closes(text)) inDependsOn = false;
    else if (inDependsOn) text = line.text = text.replace(QUOTED_REFERENCE, "$1$2");
    const attribute = ATTRIBUTE.exec(text);
    // Only a complete value is aligned; `key = {` or `key = [` opens a multi-line value, as in terraform fmt.
    if (attribute && !opens(text)) {
      line.key = attribute[1] as string;
      line.value = (attribute[2] as string).replace(INTERPOLATION_ONLY, "$1");
    }
    if (attribute?.[1] === "depends_on" && opens(text)) inDependsOn = true;
    const heredoc = HEREDOC_OPENER.exec(text);
    if (heredoc) {
      const marker = heredoc[1] as string;
      while (i + 1 < physical.length) {
        const body = physical[++i] as string;
        line.verbatim.push(body);
        if (body.trim() === marker) break;
      }
    }
    lines.push(line);
    if (opens(text)) depth++;
  }
  return lines;
}

/** `source` (cdktf HCL) indented, aligned and with unquoted `depends_on` references, as `terraform fmt` leaves it. */
export function formatHcl(source: string): string {
  const lines = parse(source);
  const out: string[] = [];
  // Consecutive attributes form a chain whose `=` signs line up; anything else (a block, a blank line) ends it.
  for (let start = 0; start < lines.length; ) {
    let end = start;
    while (end < lines.length && lines[end]?.key !== undefined) end++;
    const chain = lines.slice(start, Math.max(end, start + 1));
    const width = Math.max(...chain.map((line) => line.key?.length ?? 0));
    for (const line of chain) {
      const indent = line.text === "" ? "" : INDENT.repeat(line.depth);
      out.push(
        line.key === undefined ? indent + line.text : `${indent}${line.key.padEnd(width)} = ${line.value}`,
        ...line.verbatim,
      );
    }
    start += chain.length;
  }
  return out.join("\n");
}
