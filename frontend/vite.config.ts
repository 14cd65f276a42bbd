import { defineConfig } from "vitest/config";

// The API is served from the same origin in the local stack (make dev) and behind
// CloudFront in production; `vite` alone proxies /v1 to the local API.
export default defineConfig({
  server: { proxy: { "/v1": "http://127.0.0.1:8000" } },
  build: {
    target: "es2022",
    sourcemap: true,
    // lucide-react marks its modules "use client" (for React Server Components); a plain
    // bundle has nothing to keep of it, so the warning for each icon is noise.
    rolldownOptions: {
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  // jsdom renders are slow on a loaded 2-core machine: time out on hangs, not on load.
  test: { environment: "jsdom", include: ["src/**/*.test.ts", "src/**/*.test.tsx"], testTimeout: 30_000 },
});
