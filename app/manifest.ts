/**
 * The App's permissions and events, read from app.yml: the manifest GitHub registers the App from is
 * the one place they are written, and the sandbox world, the demo and the tests register the same.
 */
import { existsSync, readFileSync } from "node:fs";
import { load } from "js-yaml";

interface Manifest {
  default_permissions: Record<string, "read" | "write" | "admin">;
  default_events: string[];
}

// app/manifest.ts runs from the source tree in tests and from lib/app/ once built: look upwards.
const found = ["../app.yml", "../../app.yml"]
  .map((p) => new URL(p, import.meta.url))
  .find((url) => existsSync(url));
if (!found) throw new Error("app.yml not found next to the App's code");
const manifest = load(readFileSync(found, "utf8")) as Manifest;

export const APP_PERMISSIONS: Readonly<Record<string, "read" | "write" | "admin">> =
  manifest.default_permissions;
export const APP_EVENTS: readonly string[] = manifest.default_events;
