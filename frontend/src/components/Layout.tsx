import {
  Bell,
  CalendarDays,
  ChartColumn,
  ClipboardCheck,
  Files,
  FileUp,
  Images,
  LayoutDashboard,
  Library,
  ListOrdered,
  Menu,
  Settings,
  Sparkles,
  SquarePen,
  Users,
  X,
  type LucideIcon,
} from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { NotificationBell } from "./NotificationBell";
import { SuspendedBanner } from "./SuspendedBanner";
import { BillingBanner } from "../billing/BillingBanner";
import { EmailBanner } from "../notifications/EmailBanner";
import { UserMenu, WorkspaceSwitcher } from "./WorkspaceSwitcher";

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
}

// The product's sections, in the order a user works through them, grouped as the sidebar
// shows them.
export const NAV_GROUPS: { title: string; items: NavItem[] }[] = [
  {
    title: "Publish",
    items: [
      { to: "/dashboard", label: "Dashboard", icon: LayoutDashboard },
      { to: "/calendar", label: "Calendar", icon: CalendarDays },
      { to: "/compose", label: "Compose", icon: SquarePen },
      { to: "/posts", label: "Posts", icon: Files },
      { to: "/queue", label: "Queue", icon: ListOrdered },
      { to: "/analytics", label: "Analytics", icon: ChartColumn },
      { to: "/approvals", label: "Approvals", icon: ClipboardCheck },
    ],
  },
  {
    title: "Content",
    items: [
      { to: "/plans", label: "Content plans", icon: Sparkles },
      { to: "/bulk", label: "Bulk", icon: FileUp },
      { to: "/media", label: "Media", icon: Images },
      { to: "/library", label: "Library", icon: Library },
    ],
  },
  {
    title: "Workspace",
    items: [
      { to: "/accounts", label: "Accounts", icon: Users },
      { to: "/notifications", label: "Notifications", icon: Bell },
      { to: "/settings", label: "Settings", icon: Settings },
    ],
  },
];

export const NAV_ITEMS: NavItem[] = NAV_GROUPS.flatMap((group) => group.items);

/** The app's frame: a top bar (brand, workspace, bell, user) and the main navigation; on a
 * phone the navigation and the workspace/user tools fold behind a menu button. */
export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();

  // A navigation closes the menu (the page it opened is what the user asked for).
  useEffect(() => setMenuOpen(false), [pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  const MenuIcon = menuOpen ? X : Menu;
  return (
    <div className={menuOpen ? "shell menu-open" : "shell"}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={menuButton}
          type="button"
          className="menu-button icon-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          aria-label="Menu"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <MenuIcon aria-hidden="true" size={22} />
        </button>
        <Link className="brand" to="/dashboard">
          <BrandMark />
          <span>Schedulo</span>
        </Link>
        <div className="topbar-tools">
          <WorkspaceSwitcher />
          <UserMenu />
        </div>
        <NotificationBell />
      </header>
      {/* A link in the menu closes it, the current page's included (no path change then). */}
      <nav
        id="main-nav"
        className="sidenav"
        aria-label="Main"
        onClick={(event) => {
          if ((event.target as HTMLElement).closest("a")) setMenuOpen(false);
        }}
      >
        {NAV_GROUPS.map((group) => (
          <div className="nav-group" key={group.title}>
            <p className="nav-group-title" aria-hidden="true">
              {group.title}
            </p>
            <ul>
              {group.items.map(({ to, label, icon: Icon }) => (
                <li key={to}>
                  <NavLink to={to}>
                    <Icon aria-hidden="true" size={18} strokeWidth={2} />
                    <span>{label}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <SuspendedBanner />
        <BillingBanner />
        <EmailBanner />
        <Outlet />
      </main>
    </div>
  );
}

/** The product's mark: a calendar page with a tick, in the accent colour. */
function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 24 24" width={26} height={26} aria-hidden="true" focusable="false">
      <rect x="2" y="3.5" width="20" height="18.5" rx="5" fill="var(--accent)" />
      <rect x="6.5" y="1.5" width="2.4" height="5" rx="1.2" fill="var(--accent)" />
      <rect x="15.1" y="1.5" width="2.4" height="5" rx="1.2" fill="var(--accent)" />
      <path d="M7.5 13.6l3 3 6-6.2" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
