/** The PR's patches for secret scanning; gathered with the rest of the policy's needs in github/policy-evidence. */
export { withPatches } from "../github/policy-evidence.js";
