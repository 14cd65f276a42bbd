// The test files share one worker and one jsdom (`isolate: false` in vite.config.ts).
// When a file is done, reset what a worker of its own used to give the next one.
import { cleanup } from "@testing-library/react";
import { afterAll, vi } from "vitest";

afterAll(() => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  // The next file imports the app's modules afresh: their state (the access token, the
  // toasts...) and any module evaluated with this file's vi.mock stubs in it. Vitest keeps
  // each file's mocks to that file; React, jsdom and the other packages stay loaded.
  vi.resetModules();
});
