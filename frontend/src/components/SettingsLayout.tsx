import { Suspense } from "react";
import { NavLink, Outlet } from "react-router-dom";

export const SETTINGS_TABS = [
  { to: "/settings/workspace", label: "Workspace settings" },
  { to: "/settings/account", label: "Your account" },
  { to: "/settings/notifications", label: "Notifications" },
  { to: "/settings/members", label: "Members" },
  { to: "/settings/approvals", label: "Approvals" },
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/webhooks", label: "Webhooks" },
  { to: "/settings/activity", label: "Activity" },
  { to: "/settings/billing", label: "Billing" },
];

/** Settings: one heading, its sub-pages as tabs (links, so each has its own address). */
export function SettingsLayout() {
  return (
    <div className="settings">
      <nav aria-label="Settings" className="subnav">
        <ul>
          {SETTINGS_TABS.map((tab) => (
            <li key={tab.to}>
              <NavLink to={tab.to}>{tab.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Outlet />
      </Suspense>
    </div>
  );
}
