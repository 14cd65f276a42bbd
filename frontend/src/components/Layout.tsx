import { NavLink, Outlet } from "react-router-dom";
import { NotificationBell } from "./NotificationBell";
import { UserMenu, WorkspaceSwitcher } from "./WorkspaceSwitcher";

// The product's sections, in the order a user works through them.
export const NAV_ITEMS: { to: string; label: string }[] = [
  { to: "/dashboard", label: "Dashboard" },
  { to: "/calendar", label: "Calendar" },
  { to: "/compose", label: "Compose" },
  { to: "/queue", label: "Queue" },
  { to: "/approvals", label: "Approvals" },
  { to: "/bulk", label: "Bulk" },
  { to: "/media", label: "Media" },
  { to: "/library", label: "Library" },
  { to: "/accounts", label: "Accounts" },
  { to: "/notifications", label: "Notifications" },
  { to: "/settings", label: "Settings" },
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
