/**
 * Secrets in the lines a PR adds. The patterns are the well-known token formats (they have low false
 * positive rates); GitHub's own secret scanning alerts are checked alongside by the checklist item.
 */
const PATTERNS: readonly { name: string; regex: RegExp }[] = [
  { name: "AWS access key", regex: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "GitHub token", regex: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  {
    name: "private key",
    regex: /-----BEGIN (RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----/,
  },
  { name: "Slack token", regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: "Stripe live key", regex: /\b[rs]k_live_[A-Za-z0-9]{20,}/ },
  { name: "Google API key", regex: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  {
    name: "hard-coded credential",
    regex:
      /\b(password|passwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret)\b["']?\s*[:=]\s*["'][^"'\s$]{8,}["']/i,
  },
];

export interface SecretFinding {
  readonly path: string;
  /** Line number in the new version of the file. */
  readonly line: number;
  readonly kind: string;
}

/** Scans the added lines of a unified diff. Findings name the place and the kind, never the secret. */
export function findSecrets(path: string, patch: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  let line = 0;
  for (const text of patch.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith("+")) {
      const pattern = PATTERNS.find((p) => p.regex.test(text));
      if (pattern) findings.push({ path, line, kind: pattern.name });
      line++;
    } else if (!text.startsWith("-") && !text.startsWith("\\")) line++;
  }
  return findings;
}
