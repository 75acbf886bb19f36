import {
  Alert,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconDots, IconPlus } from "@tabler/icons-react";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { formatDate } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, formatMoneyCompact, parseAmount, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { newIdempotencyKey } from "../shared/upload";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import {
  useAddPortfolioCompany,
  useNav,
  usePortfolioCompanies,
  useRecordPortfolioEntry,
  type PortfolioCompany,
} from "./queries";

type Company = PortfolioCompany;
type Entry = { kind: "investment" | "valuation"; company: Company };

function NavSummary({ fund }: { fund: Fund }) {
  const nav = useNav(fund.id);
  if (nav.isError) return <ErrorAlert error={nav.error} title="The NAV could not be loaded" />;
  if (!nav.data) return null;
  const cur = nav.data.currency;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
      <KpiCard
        label="Assets"
        value={formatMoneyCompact(nav.data.assets, cur)}
        exact={formatMoney(nav.data.assets, cur)}
      />
      <KpiCard
        label="Liabilities"
        value={formatMoneyCompact(nav.data.liabilities, cur)}
        exact={formatMoney(nav.data.liabilities, cur)}
      />
      <KpiCard
        label="NAV"
        value={formatMoneyCompact(nav.data.nav, cur)}
        exact={formatMoney(nav.data.nav, cur)}
        hint={`as of ${formatDate(nav.data.as_of)}`}
      />
    </SimpleGrid>
  );
}

function AddCompanyForm({ fund }: { fund: Fund }) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { name: "", sector: "", country: "" },
    validate: {
      name: (value) => (value.trim() ? null : "Enter the company's name."),
      country: (value) =>
        !value.trim() || /^[A-Za-z]{2}$/.test(value.trim()) ? null : "A two-letter code, e.g. US.",
    },
  });
  const add = useAddPortfolioCompany(fund.id);
  const submit = (values: { name: string; sector: string; country: string }) =>
    add.mutate(
      {
        name: values.name.trim(),
        sector: values.sector.trim() || null,
        country: values.country.trim().toUpperCase() || null,
      },
      {
        onSuccess: (company) => {
          form.reset();
          notifications.show({ message: `${company.name} is added to the portfolio.`, color: "teal" });
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );
  return (
    <Paper p="md">
      <Title order={4} mb="sm">
        Add a portfolio company
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="Add a portfolio company"
      >
        {message ? (
          <Alert color="red" role="alert" mb="sm">
            {message}
          </Alert>
        ) : null}
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput label="Name" {...form.getInputProps("name")} />
          <TextInput label="Sector" {...form.getInputProps("sector")} />
          <TextInput label="Country" maxLength={2} w={100} {...form.getInputProps("country")} />
          <Button type="submit" mt={25} leftSection={<IconPlus size={16} />} loading={add.isPending}>
            Add
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

function EntryModal({ fund, entry, onClose }: { fund: Fund; entry: Entry | null; onClose: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { date: todayIso() as string | null, amount: "", detail: "" },
    validate: {
      date: (value) => (value ? null : "Enter the date."),
      amount: (value) => (parseAmount(value) || value.trim() === "0" ? null : "Enter an amount."),
    },
  });
  const save = useRecordPortfolioEntry();
  const submit = (values: { date: string | null; amount: string; detail: string }) => {
    if (!entry) return;
    const amount = parseAmount(values.amount) ?? values.amount.trim();
    const detail = values.detail.trim() || null;
    const companyId = entry.company.id;
    save.mutate(
      entry.kind === "investment"
        ? {
            kind: "investment",
            companyId,
            body: { transaction_date: values.date ?? "", cost_amount: amount, instrument: detail },
            key: newIdempotencyKey(),
          }
        : {
            kind: "valuation",
            companyId,
            body: { as_of: values.date ?? "", fair_value: amount, method: detail },
          },
      {
        onSuccess: () => {
          notifications.show({
            message: `${entry.kind === "investment" ? "The investment" : "The valuation"} of ${entry.company.name} is recorded.`,
            color: "teal",
          });
          form.reset();
          setMessage(null);
          onClose();
        },
        onError: (error) => setMessage(applyProblemToForm(form, error)),
      },
    );
  };
  const isInvestment = entry?.kind === "investment";
  return (
    <Modal
      opened={entry !== null}
      onClose={onClose}
      title={
        entry
          ? `${isInvestment ? "Record an investment in" : "Record a valuation of"} ${entry.company.name}`
          : ""
      }
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          ) : null}
          <DateField label={isInvestment ? "Transaction date" : "As of"} {...form.getInputProps("date")} />
          <TextInput
            label={`${isInvestment ? "Cost" : "Fair value"} (${fund.currency})`}
            inputMode="decimal"
            data-autofocus
            {...form.getInputProps("amount")}
          />
          <TextInput
            label={isInvestment ? "Instrument" : "Method"}
            placeholder={isInvestment ? "e.g. Series A preferred" : "e.g. Last round price"}
            {...form.getInputProps("detail")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Record
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The fund's portfolio: each company's cost, fair value and gains, the NAV, and new marks. */
export function PortfolioTab({ fund }: { fund: Fund }) {
  const me = useMe();
  const canWrite = hasPermission(me.data, "valuation:write");
  const [entry, setEntry] = useState<Entry | null>(null);
  const companies = usePortfolioCompanies(fund.id);
  const cur = fund.currency;
  const money = (
    key: "invested" | "cost" | "fair_value" | "unrealized" | "proceeds" | "realized_gain",
    title: string,
    visibleFrom?: "sm" | "md",
  ) =>
    ({
      accessor: key,
      title,
      textAlign: "right",
      visibleFrom,
      render: (company) => (
        <Money value={company[key]} currency={cur} fw={key === "fair_value" ? 600 : undefined} />
      ),
    }) satisfies DataTableColumn<Company>;
  const columns: DataTableColumn<Company>[] = [
    {
      accessor: "name",
      title: "Company",
      render: (company) => (
        <>
          <Text size="sm" fw={500}>
            {company.name}
          </Text>
          <Text size="xs" c="dimmed">
            {[company.sector, company.country].filter(Boolean).join(" · ") || "—"}
          </Text>
        </>
      ),
    },
    {
      accessor: "status",
      title: "Status",
      visibleFrom: "sm",
      render: (company) => <StatusBadge status={company.status} />,
    },
    money("invested", "Invested", "md"),
    money("cost", "Cost held", "md"),
    money("fair_value", "Fair value"),
    money("unrealized", "Unrealized", "sm"),
    money("proceeds", "Proceeds", "md"),
    money("realized_gain", "Realized gain", "md"),
    {
      accessor: "last_valuation_date",
      title: "Last valued",
      visibleFrom: "sm",
      render: (company) => formatDate(company.last_valuation_date),
    },
    {
      accessor: "actions",
      title: "",
      hidden: !canWrite,
      render: (company) => (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="subtle" size="xs" aria-label={`Actions for ${company.name}`}>
              <IconDots size={16} />
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => setEntry({ kind: "investment", company })}>
              Record an investment
            </Menu.Item>
            <Menu.Item onClick={() => setEntry({ kind: "valuation", company })}>Record a valuation</Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ),
    },
  ];
  return (
    <Stack gap="md">
      <NavSummary fund={fund} />
      <Title order={4}>Portfolio companies</Title>
      <DataTable
        label="Portfolio companies"
        columns={columns}
        records={companies.rows}
        idAccessor="id"
        query={companies}
        noRecordsText="No portfolio companies yet."
        csvHref={csvUrl("/api/v1/funds/{fund_id}/portfolio-companies", { fund_id: fund.id })}
      />
      {canWrite ? <AddCompanyForm fund={fund} /> : null}
      <EntryModal fund={fund} entry={entry} onClose={() => setEntry(null)} />
    </Stack>
  );
}
