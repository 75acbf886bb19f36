import {
  Alert,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconDots, IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../../api/client";
import { applyProblemToForm } from "../../../api/forms";
import { useCursorList } from "../../../api/pagination";
import type { ResponseOf } from "../../../api/types";
import { hasPermission, useMe } from "../../../auth/session";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { LoadMore } from "../../../components/LoadMore";
import { TableCard } from "../../../components/TableCard";
import { TableSkeleton } from "../../../components/TableSkeleton";
import { formatDate } from "../../../components/formatting";
import { CsvButton } from "../../../components/CsvButton";
import { DateField } from "../shared/DateField";
import { formatMoney, formatMoneyCompact, parseAmount, todayIso } from "../shared/format";
import { KpiCard } from "../shared/KpiCard";
import { csvUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import { StatusBadge } from "../shared/StatusBadge";
import { newIdempotencyKey } from "../shared/upload";
import { fundKeys } from "../../../api/queryKeys";

type Company = ResponseOf<"/api/v1/funds/{fund_id}/portfolio-companies", "get">["items"][number];
type Entry = { kind: "investment" | "valuation"; company: Company };

function NavSummary({ fund }: { fund: Fund }) {
  const nav = useQuery({
    queryKey: fundKeys.part(fund.id, "nav"),
    queryFn: () => unwrap(api.GET("/api/v1/funds/{fund_id}/nav", { params: { path: { fund_id: fund.id } } })),
  });
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
  const queryClient = useQueryClient();
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
  const add = useMutation({
    mutationFn: (values: { name: string; sector: string; country: string }) =>
      unwrap(
        api.POST("/api/v1/funds/{fund_id}/portfolio-companies", {
          params: { path: { fund_id: fund.id } },
          body: {
            name: values.name.trim(),
            sector: values.sector.trim() || null,
            country: values.country.trim().toUpperCase() || null,
          },
        }),
      ),
    onSuccess: async (company) => {
      form.reset();
      notifications.show({ message: `${company.name} is added to the portfolio.`, color: "teal" });
      await queryClient.invalidateQueries({ queryKey: fundKeys.part(fund.id, "companies") });
    },
    onError: (error) => setMessage(applyProblemToForm(form, error)),
  });
  return (
    <Paper p="md">
      <Title order={4} mb="sm">
        Add a portfolio company
      </Title>
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          add.mutate(values);
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
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { date: todayIso() as string | null, amount: "", detail: "" },
    validate: {
      date: (value) => (value ? null : "Enter the date."),
      amount: (value) => (parseAmount(value) || value.trim() === "0" ? null : "Enter an amount."),
    },
  });
  const save = useMutation({
    mutationFn: async (values: { date: string | null; amount: string; detail: string }) => {
      if (!entry) return;
      const amount = parseAmount(values.amount) ?? values.amount.trim();
      const detail = values.detail.trim() || null;
      const path = { company_id: entry.company.id };
      if (entry.kind === "investment") {
        await unwrap(
          api.POST("/api/v1/portfolio-companies/{company_id}/investments", {
            params: { path, header: { "Idempotency-Key": newIdempotencyKey() } },
            body: { transaction_date: values.date ?? "", cost_amount: amount, instrument: detail },
          }),
        );
      } else {
        await unwrap(
          api.POST("/api/v1/portfolio-companies/{company_id}/valuations", {
            params: { path },
            body: { as_of: values.date ?? "", fair_value: amount, method: detail },
          }),
        );
      }
    },
    onSuccess: async () => {
      notifications.show({
        message: `${entry?.kind === "investment" ? "The investment" : "The valuation"} of ${entry?.company.name} is recorded.`,
        color: "teal",
      });
      form.reset();
      setMessage(null);
      onClose();
      await queryClient.invalidateQueries({ queryKey: fundKeys.all });
    },
    onError: (error) => setMessage(applyProblemToForm(form, error)),
  });
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
          save.mutate(values);
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
  const companies = useCursorList(fundKeys.part(fund.id, "companies"), (cursor) =>
    unwrap(
      api.GET("/api/v1/funds/{fund_id}/portfolio-companies", {
        params: { path: { fund_id: fund.id }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    ),
  );
  const rows = companies.rows;
  const cur = fund.currency;
  return (
    <Stack gap="md">
      <NavSummary fund={fund} />
      <Group justify="space-between">
        <Title order={4}>Portfolio companies</Title>
        <CsvButton href={csvUrl("/api/v1/funds/{fund_id}/portfolio-companies", { fund_id: fund.id })} />
      </Group>
      {companies.isPending ? (
        <TableSkeleton label="Loading portfolio companies" />
      ) : companies.isError && rows.length === 0 ? (
        <ErrorAlert
          error={companies.error}
          onRetry={() => void companies.refetch()}
          isRetrying={companies.isFetching}
        />
      ) : (
        <>
          <TableCard minWidth={1100}>
            <Table
              horizontalSpacing="md"
              verticalSpacing="xs"
              aria-label="Portfolio companies"
              highlightOnHover
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Company</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Invested</Table.Th>
                  <Table.Th ta="right">Cost held</Table.Th>
                  <Table.Th ta="right">Fair value</Table.Th>
                  <Table.Th ta="right">Unrealized</Table.Th>
                  <Table.Th ta="right">Proceeds</Table.Th>
                  <Table.Th ta="right">Realized gain</Table.Th>
                  <Table.Th>Last valued</Table.Th>
                  {canWrite ? <Table.Th /> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={canWrite ? 10 : 9}>
                      <Text size="sm" c="dimmed" ta="center" py="md">
                        No portfolio companies yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  rows.map((company) => (
                    <Table.Tr key={company.id}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {company.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {[company.sector, company.country].filter(Boolean).join(" · ") || "—"}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={company.status} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.invested} currency={cur} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.cost} currency={cur} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.fair_value} currency={cur} fw={600} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.unrealized} currency={cur} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.proceeds} currency={cur} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money value={company.realized_gain} currency={cur} />
                      </Table.Td>
                      <Table.Td>{formatDate(company.last_valuation_date)}</Table.Td>
                      {canWrite ? (
                        <Table.Td>
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
                              <Menu.Item onClick={() => setEntry({ kind: "valuation", company })}>
                                Record a valuation
                              </Menu.Item>
                            </Menu.Dropdown>
                          </Menu>
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </TableCard>
          <LoadMore
            hasNextPage={companies.hasNextPage}
            isFetchingNextPage={companies.isFetchingNextPage}
            error={companies.error}
            fetchNextPage={() => void companies.fetchNextPage()}
          />
        </>
      )}
      {canWrite ? <AddCompanyForm fund={fund} /> : null}
      <EntryModal fund={fund} entry={entry} onClose={() => setEntry(null)} />
    </Stack>
  );
}
