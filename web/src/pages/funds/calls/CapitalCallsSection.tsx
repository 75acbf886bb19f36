import { Route, Routes } from "react-router";

import NotFoundPage from "../../NotFoundPage";
import { CallDetailPage } from "./CallDetailPage";
import { CallsListPage } from "./CallsListPage";

/** `/capital-calls`: the calls of every fund, and one call's page with its workflow. */
export default function CapitalCallsSection() {
  return (
    <Routes>
      <Route index element={<CallsListPage />} />
      <Route path=":callId" element={<CallDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
