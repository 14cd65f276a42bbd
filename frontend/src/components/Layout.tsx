import { NavLink, Outlet } from "react-router-dom";
import { NotificationBell } from "./NotificationBell";
import { UserMenu, WorkspaceSwitcher } from "./WorkspaceSwitcher";

// Each feature adds its page here as it lands.
export const NAV_ITEMS: { to: string; label: string }[] = [
  { to: "/dashboard", label: "Dashboard" },
  { to: "/media", label: "Media" },
  { to: "/compose", label: "Compose" },
  { to: "/calendar", label: "Calendar" },
  { to: "/accounts", label: "Accounts" },
  { to: "/posts", label: "Posts" },
  { to: "/settings/members", label: "Members" },
  { to: "/settings/api-keys", label: "API keys" },
  { to: "/settings/workspace", label: "Workspace settings" },
  { to: "/settings/activity", label: "Activity" },
];

export function Layout() {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Schedulo</span>
        <WorkspaceSwitcher />
        <NotificationBell />
        <UserMenu />
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {NAV_ITEMS.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to}>{item.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
