// The test files share one worker and one jsdom (`isolate: false` in vite.config.ts).
// When a file is done, reset what a worker of its own used to give the next one.
import { cleanup, configure, getConfig } from "@testing-library/react";
import { afterAll, vi } from "vitest";

// The machine may be busy (2 cores shared): a page's first render can take more than the
// default second to appear (CalendarPage's tests found it first).
configure({ asyncUtilTimeout: 5000 });
const testingLibrary = { ...getConfig() };

afterAll(() => {
  cleanup();
  configure(testingLibrary);
  localStorage.clear();
  sessionStorage.clear();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  // The next file imports the app's modules afresh: their state (the access token, the
  // toasts...) and any module evaluated with this file's vi.mock stubs in it. Vitest keeps
  // each file's mocks to that file; React, jsdom and the other packages stay loaded.
  vi.resetModules();
});
