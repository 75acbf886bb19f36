import { Route, Routes } from "react-router";

import NotFoundPage from "../NotFoundPage";
import { CallWizardPage } from "./calls/CallWizardPage";
import { DistributionDetailPage } from "./distributions/DistributionDetailPage";
import { DistributionWizardPage } from "./distributions/DistributionWizardPage";
import { FundPage } from "./FundPage";
import { FundsListPage } from "./FundsListPage";

/** `/funds`: the fund list, a fund's page with its tabs, and the call and distribution wizards. */
export default function FundsSection() {
  return (
    <Routes>
      <Route index element={<FundsListPage />} />
      <Route path=":fundId/capital-calls/new" element={<CallWizardPage />} />
      <Route path=":fundId/distributions/new" element={<DistributionWizardPage />} />
      <Route path=":fundId/distributions/:distributionId" element={<DistributionDetailPage />} />
      <Route path=":fundId/:tab?" element={<FundPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
