import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { Link } from "react-router";

import { applyProblemToForm } from "../../../api/forms";
import { hasPermission, useMe } from "../../../auth/session";
import { formatDate } from "../../../components/formatting";
import { ClosesSection } from "../closes/ClosesSection";
import { TransfersSection } from "../closes/TransfersSection";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { useAddCommitment, useFundCommitments } from "./queries";
import { parseAmount } from "../shared/format";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { useInvestorOptions, type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";

interface CommitmentFormValues {
  investor_id: string | null;
  amount: string;
  is_gp: boolean;
}

function AddCommitmentForm({ fund }: { fund: Fund }) {
  const investors = useInvestorOptions();
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<CommitmentFormValues>({
    mode: "controlled",
    initialValues: { investor_id: null, amount: "", is_gp: false },
    validate: {
      investor_id: (value) => (value ? null : "Choose the investor."),
      amount: (value) => (parseAmount(value) ? null : "Enter the amount committed."),
    },
  });
  const add = useAddCommitment(fund.id);
  const submit = (values: CommitmentFormValues) =>
    add.mutate(
      {
        investor_id: values.investor_id ?? "",
        amount: parseAmount(values.amount) ?? values.amount,
        is_gp: values.is_gp,
      },
      {
        onSuccess: (commitment) => {
          form.reset();
          notifications.show({
            message: `${commitment.investor_name} committed to ${fund.name}.`,
            color: "teal",
          });
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );

  return (
    <Paper p="md">
      <Title order={4} mb="sm">
        Admit a commitment
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="Admit a commitment"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          ) : null}
          <Group align="flex-start" gap="sm" wrap="wrap">
            <Select
              label="Investor"
              searchable
              data={investors.data ?? []}
              disabled={investors.isPending}
              nothingFoundMessage="No investor by that name"
              w={{ base: "100%", sm: 280 }}
              {...form.getInputProps("investor_id")}
            />
            <TextInput
              label={`Amount (${fund.currency})`}
              inputMode="decimal"
              w={{ base: "100%", sm: 200 }}
              {...form.getInputProps("amount")}
            />
            <Switch mt={32} label="GP commitment" {...form.getInputProps("is_gp", { type: "checkbox" })} />
            <Button type="submit" mt={25} loading={add.isPending}>
              Admit
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            The commitment joins the fund&apos;s latest close. A new investor is added on the{" "}
            <Anchor component={Link} to="/investors" size="xs">
              Investors
            </Anchor>{" "}
            page first.
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}

type FundCommitment = ReturnType<typeof useFundCommitments>["rows"][number];

function commitmentColumns(cur: string): DataTableColumn<FundCommitment>[] {
  return [
    { accessor: "sequence", title: "#", visibleFrom: "sm" },
    {
      accessor: "investor_name",
      title: "Investor",
      render: (row) => (
        <Group gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/investors/${row.investor_id}`} size="sm">
            {row.investor_name}
          </Anchor>
          {row.is_gp ? (
            <Badge size="xs" variant="outline">
              GP
            </Badge>
          ) : null}
        </Group>
      ),
    },
    {
      accessor: "close_number",
      title: "Close",
      visibleFrom: "md",
      render: (row) => `${row.close_number} · ${formatDate(row.close_date)}`,
    },
    {
      accessor: "amount",
      title: "Commitment",
      textAlign: "right",
      render: (row) => <Money value={row.amount} currency={cur} />,
    },
    {
      accessor: "called",
      title: "Called",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.called} currency={cur} />,
    },
    {
      accessor: "contributed",
      title: "Contributed",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.contributed} currency={cur} />,
    },
    {
      accessor: "recallable",
      title: "Recallable",
      textAlign: "right",
      visibleFrom: "md",
      render: (row) => <Money value={row.recallable} currency={cur} />,
    },
    {
      accessor: "unfunded",
      title: "Unfunded",
      textAlign: "right",
      render: (row) => <Money value={row.unfunded} currency={cur} fw={600} />,
    },
    {
      accessor: "status",
      title: "Status",
      visibleFrom: "sm",
      render: (row) => <StatusBadge status={row.status} />,
    },
  ];
}

/**
 * The fund's LPs: each commitment with what has been called, paid and is left to call; then
 * the fund's closes (with each subsequent close's equalization call) and the transfers of
 * interest between investors.
 */
export function CommitmentsTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "commitment:write") && hasPermission(me.data, "investor:read");
  const canHoldClose = hasPermission(me.data, "fund:write");
  const canEqualize = hasPermission(me.data, "capital_call:write");
  const commitments = useFundCommitments(fund.id);

  return (
    <Stack gap="md">
      <DataTable
        label="Commitments"
        columns={commitmentColumns(fund.currency)}
        records={commitments.rows}
        idAccessor="id"
        query={commitments}
        noRecordsText="No commitments yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/commitments", { fund_id: fund.id })}
        rowAttributes={() => ({ "data-testid": "commitment-row" })}
        toolbar={
          <Text size="sm" c="dimmed">
            Called, contributed and unfunded are derived from the calls and payments.
          </Text>
        }
      />
      {canWrite ? <AddCommitmentForm fund={fund} /> : null}
      <ClosesSection fund={fund} canHold={canHoldClose} canEqualize={canEqualize} />
      <TransfersSection fund={fund} canWrite={canWrite} />
    </Stack>
  );
}
