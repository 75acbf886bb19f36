import { Alert } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { Navigate } from "react-router";

import { SECTIONS, canSee, visibleSections, type AppSection } from "../navigation/sections";
import { useMe } from "./session";

/** A section's page, or a plain refusal when the user lacks its permission. */
export function SectionRoute({ section }: { section: AppSection }) {
  const me = useMe();
  const permissions = me.data?.permissions ?? [];
  if (!canSee(section, permissions)) {
    return (
      <Alert color="yellow" icon={<IconLock size={18} />} title="No access" role="alert">
        Your role does not include the permission needed for {section.label} ({section.permission}).
      </Alert>
    );
  }
  const Page = section.page;
  return <Page />;
}

/** `/` opens the first section the user may see. */
export function HomeRedirect() {
  const me = useMe();
  const first = visibleSections(me.data?.permissions ?? [], SECTIONS)[0];
  return <Navigate to={first ? `/${first.path}` : "/profile"} replace />;
}
