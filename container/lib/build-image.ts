import { existsSync } from "node:fs";
import { join } from "node:path";
import { bud } from "./buildah.js";

/** Where Debian keeps the system CA bundle, which on these machines includes the proxy's CA. */
export const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const BUILD_MS = 15 * 60_000;

export interface BuildOptions {
  readonly context: string;
  readonly tag: string;
  /** A CA bundle handed to npm inside the build (TLS-intercepting proxies); skipped when absent. */
  readonly caBundle?: string;
  readonly echo?: boolean;
}

/**
 * Builds the repository's Dockerfile as container/README.md tells buildah users to, with the layer cache
 * on. The CA is bind-mounted for the RUN steps only and reaches no layer.
 */
export async function buildImage({ context, tag, caBundle = HOST_CA_BUNDLE, echo }: BuildOptions) {
  const caArgs = existsSync(caBundle)
    ? ["--volume", `${caBundle}:/run/host-ca.crt:ro`, "--build-arg", "npm_config_cafile=/run/host-ca.crt"]
    : [];
  await bud(["--layers", ...caArgs, "--tag", tag, "--file", join(context, "Dockerfile"), context], {
    timeoutMs: BUILD_MS,
    echo,
  });
}
