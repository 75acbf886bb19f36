import { Route, Routes } from "react-router";

import NotFoundPage from "../../NotFoundPage";
import { InvestorDetailPage } from "./InvestorDetailPage";
import { InvestorsListPage } from "./InvestorsListPage";

/** `/investors`: the LPs and other investors, and one investor's page across funds. */
export default function InvestorsSection() {
  return (
    <Routes>
      <Route index element={<InvestorsListPage />} />
      <Route path=":investorId" element={<InvestorDetailPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
