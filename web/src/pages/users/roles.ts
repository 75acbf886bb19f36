import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { ResponseOf } from "../../api/types";

export type Role = ResponseOf<"/api/v1/roles", "get">[number];

export function useRoles() {
  return useQuery({
    queryKey: ["roles"],
    queryFn: () => unwrap(api.GET("/api/v1/roles")),
    staleTime: 10 * 60_000,
  });
}
