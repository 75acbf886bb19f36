import { createBrowserRouter, type RouteObject } from "react-router";

import { RequireSession } from "./auth/RequireSession";
import { HomeRedirect, SectionRoute } from "./auth/SectionRoute";
import { SECTIONS } from "./navigation/sections";
import NotFoundPage from "./pages/NotFoundPage";
import AcceptInvitationPage from "./pages/invitation/AcceptInvitationPage";
import LoginPage from "./pages/login/LoginPage";

export const routes: RouteObject[] = [
  { path: "/login", element: <LoginPage /> },
  { path: "/accept-invitation", element: <AcceptInvitationPage /> },
  {
    path: "/",
    element: <RequireSession />,
    children: [
      { index: true, element: <HomeRedirect /> },
      ...SECTIONS.map((section) => ({
        path: `${section.path}/*`,
        element: <SectionRoute section={section} />,
      })),
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
