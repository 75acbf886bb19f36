import { Badge, Button, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState } from "react";

import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, todayIso } from "../shared/format";
import { apiUrl } from "../shared/links";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import { useJournal, useTrialBalance } from "./queries";

type TrialBalanceRow = NonNullable<ReturnType<typeof useTrialBalance>["data"]>["rows"][number];
type Entry = ReturnType<typeof useJournal>["rows"][number];
type Posting = Entry["postings"][number];
/** A journal line: an entry's heading, or one of its postings under it. */
type JournalLine = { entry: Entry; posting: null } | { entry: Entry; posting: Posting };

function AccountName({ code, name }: { code: string; name: string }) {
  return (
    <>
      <Text span ff="monospace" size="xs" c="dimmed">
        {code}
      </Text>{" "}
      {name}
    </>
  );
}

const TRIAL_BALANCE_COLUMNS: DataTableColumn<TrialBalanceRow>[] = [
  {
    accessor: "account_name",
    title: "Account",
    render: (row) => (
      <Text size="sm">
        <AccountName code={row.account_code} name={row.account_name} />
      </Text>
    ),
  },
  { accessor: "account_type", title: "Type", visibleFrom: "sm", render: (row) => humanize(row.account_type) },
  {
    accessor: "debit",
    title: "Debit",
    textAlign: "right",
    render: (row) => <Money value={row.debit} currency={row.currency} />,
  },
  {
    accessor: "credit",
    title: "Credit",
    textAlign: "right",
    render: (row) => <Money value={row.credit} currency={row.currency} />,
  },
];

function TrialBalance({ fund }: { fund: Fund }) {
  const [asOf, setAsOf] = useState<string | null>(todayIso());
  const trialBalance = useTrialBalance(fund.id, fund.book_id, asOf);
  const data = trialBalance.data;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Title order={4}>Trial balance</Title>
        <DateField label="As of" value={asOf} onChange={setAsOf} w={170} />
      </Group>
      {data ? (
        <Group gap="sm">
          {data.is_balanced ? (
            <Badge color="teal" variant="light">
              Balanced
            </Badge>
          ) : (
            <Badge color="red" variant="filled">
              Not balanced
            </Badge>
          )}
          {Object.keys(data.total_debits).map((currency) => (
            <Text size="xs" c="dimmed" key={currency}>
              {currency}: debits {formatMoney(data.total_debits[currency], currency)}, credits{" "}
              {formatMoney(data.total_credits[currency], currency)}
            </Text>
          ))}
        </Group>
      ) : null}
      <DataTable
        label="Trial balance"
        columns={TRIAL_BALANCE_COLUMNS}
        records={data?.rows}
        idAccessor={(row) => `${row.account_code}-${row.currency}`}
        query={trialBalance}
        noRecordsText="Nothing is posted yet."
        verticalSpacing={4}
        withCard={false}
      />
    </Stack>
  );
}

const JOURNAL_COLUMNS: DataTableColumn<JournalLine>[] = [
  { accessor: "number", title: "#", render: ({ entry, posting }) => (posting ? null : entry.number) },
  {
    accessor: "entry_date",
    title: "Date",
    render: ({ entry, posting }) => (posting ? null : formatDate(entry.entry_date)),
  },
  {
    accessor: "account",
    title: "Account",
    render: ({ entry, posting }) =>
      posting ? (
        <Text size="sm" pl={posting.credit ? "lg" : 0}>
          <AccountName code={posting.account_code} name={posting.account_name} />
        </Text>
      ) : (
        <>
          <Text size="sm" fw={500}>
            {entry.memo}
          </Text>
          <Text size="xs" c="dimmed">
            {humanize(entry.source_type)}
            {entry.reverses_entry_id ? " · reversal" : ""}
            {entry.reversed_by_entry_id ? " · reversed" : ""}
          </Text>
        </>
      ),
  },
  {
    accessor: "debit",
    title: "Debit",
    textAlign: "right",
    render: ({ posting }) =>
      posting?.debit ? <Money value={posting.debit} currency={posting.currency} /> : null,
  },
  {
    accessor: "credit",
    title: "Credit",
    textAlign: "right",
    render: ({ posting }) =>
      posting?.credit ? <Money value={posting.credit} currency={posting.currency} /> : null,
  },
];

function Journal({ fund }: { fund: Fund }) {
  const [start, setStart] = useState<string | null>(null);
  const [end, setEnd] = useState<string | null>(null);
  const period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const entries = useJournal(fund.id, fund.book_id, period);
  const lines: JournalLine[] = entries.rows.flatMap((entry) => [
    { entry, posting: null },
    ...entry.postings.map((posting) => ({ entry, posting })),
  ]);
  return (
    <Stack gap="sm">
      <Title order={4}>Journal</Title>
      <DataTable
        label="Journal entries"
        columns={JOURNAL_COLUMNS}
        records={lines}
        idAccessor={({ entry, posting }) => (posting ? `${entry.id}-${posting.line_no}` : entry.id)}
        query={entries}
        noRecordsText="No entries in this period."
        verticalSpacing={4}
        rowAttributes={({ posting }) => (posting ? {} : { bg: "gray.0" })}
        csvHref={apiUrl("/api/v1/ledger/books/{book_id}/entries.csv", { book_id: fund.book_id }, period)}
        csvLabel="Journal CSV"
        toolbar={
          <Group gap="sm" align="flex-end" wrap="wrap">
            <DateField label="From" value={start} onChange={setStart} clearable w={160} />
            <DateField label="To" value={end} onChange={setEnd} clearable w={160} />
            <Button
              component="a"
              href={apiUrl("/api/v1/ledger/books/{book_id}/gl-export.csv", { book_id: fund.book_id }, period)}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              GL export
            </Button>
          </Group>
        }
      />
    </Stack>
  );
}

/** The fund's book: trial balance at a date, the journal, and its CSV and GL exports. */
export function LedgerTab({ fund }: { fund: Fund }) {
  return (
    <Stack gap="xl">
      <Paper p="md">
        <TrialBalance fund={fund} />
      </Paper>
      <Journal fund={fund} />
    </Stack>
  );
}
