import { Anchor, Group } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { Link, useParams } from "react-router";

import { ErrorAlert } from "../../../components/ErrorAlert";
import { FullPageLoader } from "../../../components/FullPageLoader";
import { PageHeader } from "../../../components/PageHeader";
import { useFund } from "../shared/queries";
import { CallWizard } from "./CallWizard";

/** `/funds/:fundId/capital-calls/new`. */
export function CallWizardPage() {
  const { fundId = "" } = useParams();
  const fund = useFund(fundId);
  return (
    <>
      <Anchor component={Link} to={`/funds/${fundId}/capital-calls`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> {fund.data?.name ?? "Fund"}
        </Group>
      </Anchor>
      <PageHeader
        title="New capital call"
        description={fund.data ? `For ${fund.data.name}, in ${fund.data.currency}.` : undefined}
      />
      {fund.isPending ? (
        <FullPageLoader label="Loading the fund" inline />
      ) : fund.isError ? (
        <ErrorAlert error={fund.error} onRetry={() => void fund.refetch()} isRetrying={fund.isFetching} />
      ) : (
        <CallWizard fund={fund.data} />
      )}
    </>
  );
}
