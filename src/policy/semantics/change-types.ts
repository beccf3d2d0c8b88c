/**
 * Change types: a default that exists, each label and version bump marking one type only, `diff`
 * patterns cheap enough to run over every added line, and an order that lists every type once.
 */
import type { SemanticContext } from "./context.js";

export function checkChangeTypes({ doc, report, changeTypeRef }: SemanticContext): void {
  if (!doc.change_types) return;
  const { types } = doc.change_types;
  changeTypeRef(["change_types", "default"], doc.change_types.default);
  const labelOwner = new Map<string, string>();
  const semverOwner = new Map<string, string>();
  for (const [type, def] of Object.entries(types)) {
    def.labels?.forEach((label, i) => {
      const owner = labelOwner.get(label.toLowerCase());
      if (owner)
        report(
          ["change_types", "types", type, "labels", i],
          `label "${label}" already marks change type "${owner}"`,
        );
      labelOwner.set(label.toLowerCase(), type);
    });
    def.diff?.forEach((source, i) => {
      const problem = patternProblem(source);
      if (problem) report(["change_types", "types", type, "diff", i], problem);
    });
    if (def.semver) {
      const owner = semverOwner.get(def.semver);
      if (owner)
        report(
          ["change_types", "types", type, "semver"],
          `a ${def.semver} bump already marks change type "${owner}"`,
        );
      semverOwner.set(def.semver, type);
    }
  }
}

export function checkChangeTypeOrder({ doc, report, changeTypes, changeTypeRef }: SemanticContext): void {
  if (!doc.change_types?.order) return;
  const { order } = doc.change_types;
  const seen = new Set<string>();
  order.forEach((type, i) => {
    if (seen.has(type)) report(["change_types", "order", i], `"${type}" is listed twice`);
    seen.add(type);
    changeTypeRef(["change_types", "order", i], type);
  });
  const unlisted = changeTypes.filter((t) => !seen.has(t));
  if (unlisted.length > 0)
    report(
      ["change_types", "order"],
      `the order must list every change type; missing ${unlisted.map((t) => `"${t}"`).join(", ")}`,
    );
}

/**
 * Why a `diff` pattern cannot be used. JavaScript's regular expressions backtrack, and the App runs
 * these over every added line of every PR, so only patterns whose cost stays near-linear are taken:
 * no repeated group (`(a+)+`, `(a|b)*`, exponential) and at most one unbounded repetition (`\s*\s*x`
 * is already cubic on a long line). Keywords with `\s+` or `\b` between them are what this is for.
 */
function patternProblem(source: string): string | undefined {
  try {
    new RegExp(source, "i");
  } catch (error) {
    return `not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") inClass = true;
    const next = source[i + 1];
    if (char === ")" && (next === "*" || next === "+" || next === "?" || next === "{"))
      return "a repeated group (like (a+)+ or (a|b)*) can take exponential time: repeat single characters or classes only";
    if (char === "*" || char === "+" || (char === "{" && /^\{\d+,\}/.test(source.slice(i)))) unbounded++;
  }
  if (unbounded > 1)
    return `${unbounded} unbounded repetitions (*, + or {n,}) can take polynomial time on long lines: use at most one`;
  return undefined;
}
