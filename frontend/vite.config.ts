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
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    // Starting a worker, jsdom and React for each of the 65 files was most of the run's CPU
    // time: the files share them, and src/testSetup.ts resets between files what a worker
    // of its own gave each (fresh app modules, an empty document and storage).
    isolate: false,
    setupFiles: ["src/testSetup.ts"],
    // jsdom renders are slow on a loaded 2-core machine: time out on hangs, not on load.
    testTimeout: 30_000,
  },
});
