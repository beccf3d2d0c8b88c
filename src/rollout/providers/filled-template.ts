import { renderTemplate, type TemplateValues } from "../../policy/template.js";

/**
 * A provider's URL or query with its placeholders filled, or why it cannot be (a placeholder with no
 * value in this deployment). The provider answers every reading with that reason as its error, so the
 * analysis's consecutive-error limit decides, as for any other measurement error.
 */
export function fillTemplate(
  template: string,
  values: TemplateValues,
  target: "promql" | "url",
): { readonly filled: string } | { readonly why: string } {
  try {
    return { filled: renderTemplate(template, values, target) };
  } catch (error) {
    return { why: (error as Error).message };
  }
}
