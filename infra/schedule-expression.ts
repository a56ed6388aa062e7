/**
 * EventBridge schedule expressions, checked as EventBridge checks them at apply time (Terraform's plan does
 * not): `rate(<n> <unit>)` with the singular unit for 1 only, and `cron(<6 fields>)` with exactly one of
 * day-of-month and day-of-week `?`, each field in its own syntax and range.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */

const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldRule {
  name: string;
  min: number;
  max: number;
  /** Names standing for numbers (JAN = 1, SUN = 1). */
  names?: readonly string[];
  /** Whether `?` (no specific value) is allowed. */
  question?: boolean;
  /** Special forms of this field only (L, W, #), beyond lists, ranges and steps. */
  special?: RegExp;
}

const FIELDS: readonly FieldRule[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, question: true, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, question: true, special: /^(L|[1-7]L|[1-7]#[1-5])$/ },
  { name: "year", min: 1970, max: 2199 },
];

export const SCHEDULE_SYNTAX =
  "expected an EventBridge schedule expression: rate(1 day), rate(2 days) (singular unit only for 1) or a six-field cron(minutes hours day-of-month month day-of-week year) with ? in exactly one day field, e.g. cron(0 3 * * ? *)";

/** What is wrong with `expression` as EventBridge sees it, or undefined when it accepts it. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.startsWith("rate(")) return RATE.test(expression) ? undefined : SCHEDULE_SYNTAX;
  const cron = /^cron\(([^()]*)\)$/.exec(expression);
  if (!cron) return SCHEDULE_SYNTAX;
  const fields = (cron[1] ?? "").split(" ");
  if (fields.length !== 6) return `${SCHEDULE_SYNTAX} (got ${fields.length} fields)`;
  for (const [i, rule] of FIELDS.entries()) {
    const problem = fieldProblem(fields[i] ?? "", rule);
    if (problem) return `cron ${rule.name} field "${fields[i]}": ${problem}`;
  }
  const questions = [fields[2], fields[4]].filter((f) => f === "?").length;
  if (questions !== 1)
    return "cron: exactly one of day-of-month and day-of-week must be ? (EventBridge refuses both set or both ?)";
  return undefined;
}

function fieldProblem(field: string, rule: FieldRule): string | undefined {
  if (field === "?") return rule.question ? undefined : "? is allowed only in day-of-month and day-of-week";
  if (field === "*") return undefined;
  if (rule.special?.test(field)) return undefined;
  for (const item of field.split(",")) {
    const m = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `"${item}" is not a value, a range a-b, or a step x/n`;
    const step = m[2];
    if (step !== undefined && Number(step) < 1) return `step ${step} must be at least 1`;
    if (m[1] === "*") continue;
    for (const value of (m[1] ?? "").split("-")) {
      const n = fieldValue(value, rule);
      if (n === undefined || n < rule.min || n > rule.max)
        return `"${value}" is outside ${rule.min}-${rule.max}${rule.names ? ` (or ${rule.names[0]}-${rule.names.at(-1)})` : ""}`;
    }
  }
  return undefined;
}

function fieldValue(value: string, rule: FieldRule): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const named = rule.names?.indexOf(value.toUpperCase()) ?? -1;
  return named >= 0 ? named + 1 : undefined;
}

/**
 * The shortest time between two firings of a valid expression, in seconds. For cron, the minutes and hours
 * fields decide it (EventBridge fires at most once a minute); days are assumed consecutive, which can only
 * make the answer shorter than the truth, so a check against it errs on the safe side.
 */
export function shortestIntervalSeconds(expression: string): number {
  // An expression EventBridge refuses has no interval (its problem is reported on its own).
  if (scheduleProblem(expression) !== undefined) return Number.POSITIVE_INFINITY;
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) return Number(rate[1]) * (UNIT_SECONDS[rate[2] ?? "day"] ?? 86_400);
  const [minutes = "*", hours = "*"] = (/^cron\((.*)\)$/.exec(expression)?.[1] ?? "").split(" ");
  const ofDay: number[] = [];
  for (const h of expand(hours, 0, 23)) for (const m of expand(minutes, 0, 59)) ofDay.push(h * 60 + m);
  ofDay.sort((a, b) => a - b);
  let shortest = 1440 - (ofDay.at(-1) ?? 0) + (ofDay[0] ?? 0);
  for (let i = 1; i < ofDay.length; i++) shortest = Math.min(shortest, (ofDay[i] ?? 0) - (ofDay[i - 1] ?? 0));
  return shortest * 60;
}

/** The values a minutes or hours field stands for. */
function expand(field: string, min: number, max: number): number[] {
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const [range = "*", step = "1"] = item.split("/");
    const [from, to] =
      range === "*"
        ? [min, max]
        : range.includes("-")
          ? range.split("-").map(Number)
          : [Number(range), step === "1" ? Number(range) : max];
    // A range may wrap (hours 22-2): 22, 23, 0, 1, 2.
    const span = ((to ?? max) - (from ?? min) + (max - min + 1)) % (max - min + 1);
    for (let k = 0; k <= span; k += Number(step))
      values.add(min + (((from ?? min) - min + k) % (max - min + 1)));
  }
  return [...values];
}
