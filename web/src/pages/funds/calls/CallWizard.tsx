import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconCircleCheck } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { applyProblemToForm } from "../../../api/forms";
import { DataTable, type DataTableColumn } from "../../../components/DataTable";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, todayIso } from "../shared/format";
import { Money } from "../shared/Money";
import { type Fund } from "../shared/queries";
import {
  useCreateCall,
  usePreviewCall,
  type CallCreate,
  type CallPreview,
  type CreatedCall,
} from "./queries";

type PreviewLine = CallPreview["lines"][number];

interface CallFormValues {
  purpose: CallCreate["purpose"];
  amount: string;
  basis: NonNullable<CallCreate["basis"]>;
  call_date: string | null;
  due_date: string | null;
  description: string;
}

export const CALL_PURPOSES: { value: CallCreate["purpose"]; label: string }[] = [
  { value: "investment", label: "Investment" },
  { value: "management_fee", label: "Management fee" },
  { value: "expenses", label: "Fund expenses" },
];

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function toCallCreate(values: CallFormValues): CallCreate {
  const description = values.description.trim();
  return {
    purpose: values.purpose,
    amount: parseAmount(values.amount) ?? values.amount,
    basis: values.basis,
    call_date: values.call_date ?? "",
    due_date: values.due_date ?? "",
    ...(description ? { description } : {}),
  };
}

function previewColumns(preview: CallPreview): DataTableColumn<PreviewLine>[] {
  const cur = preview.currency;
  return [
    { accessor: "sequence", title: "#" },
    {
      accessor: "investor_name",
      title: "Investor",
      render: (line) => (
        <Group gap={6} wrap="wrap">
          <Text size="sm">{line.investor_name}</Text>
          {line.capped ? (
            <Badge size="xs" color="orange" variant="light" title="Called for all of its unfunded commitment">
              Capped
            </Badge>
          ) : null}
        </Group>
      ),
      footer: `Total (${preview.lines.length} LPs)`,
    },
    {
      accessor: "commitment",
      title: "Commitment",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.commitment} currency={cur} />,
    },
    {
      accessor: "unfunded_before",
      title: "Unfunded before",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.unfunded_before} currency={cur} />,
      footer: <Money value={preview.total_unfunded} currency={cur} fw={700} />,
    },
    {
      accessor: "amount",
      title: "Called",
      textAlign: "right",
      render: (line) => <Money value={line.amount} currency={cur} fw={600} />,
      footer: <Money value={preview.amount} currency={cur} fw={700} />,
    },
    {
      accessor: "unfunded_after",
      title: "Unfunded after",
      textAlign: "right",
      visibleFrom: "sm",
      render: (line) => <Money value={line.unfunded_after} currency={cur} />,
    },
  ];
}

/** Step 2: what each LP would be called for, with the totals the API computed. */
export function CallPreviewTable({ preview }: { preview: CallPreview }) {
  return (
    <DataTable
      label="Allocation preview"
      columns={previewColumns(preview)}
      records={preview.lines}
      idAccessor="commitment_id"
      rowAttributes={() => ({ "data-testid": "preview-line" })}
      footerAttributes={{ "data-testid": "preview-total" }}
    />
  );
}

/**
 * Draft a capital call in three steps: what and when, the allocation the API previews across
 * the LPs (nothing saved), then the draft itself, which a second person approves.
 */
export function CallWizard({ fund }: { fund: Fund }) {
  const [step, setStep] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [preview, setPreview] = useState<CallPreview | null>(null);
  const [created, setCreated] = useState<CreatedCall | null>(null);
  const today = todayIso();
  const form = useForm<CallFormValues>({
    mode: "controlled",
    initialValues: {
      purpose: "investment",
      amount: "",
      basis: "commitment",
      call_date: today,
      due_date: addDays(today, 10),
      description: "",
    },
    validate: {
      amount: (value) => (parseAmount(value) ? null : "Enter the amount to call, e.g. 2500000."),
      call_date: (value) => (value ? null : "Enter the call date."),
      due_date: (value, values) =>
        !value
          ? "Enter the due date."
          : values.call_date && value < values.call_date
            ? "Due on or after the call date."
            : null,
    },
  });

  const previewCall = usePreviewCall(fund.id);
  const createCall = useCreateCall(fund.id);
  const onError = (error: Error) => setMessage(applyProblemToForm(form, error));

  const values = form.getValues();

  return (
    <Stepper
      active={step}
      allowNextStepsSelect={false}
      onStepClick={(index) => index < step && step < 2 && setStep(index)}
    >
      <Stepper.Step label="Details" description="Purpose, amount, dates">
        <form
          onSubmit={form.onSubmit((submitted) => {
            setMessage(null);
            previewCall.mutate(toCallCreate(submitted), {
              onSuccess: (result) => {
                setPreview(result);
                setStep(1);
              },
              onError,
            });
          })}
          noValidate
          aria-label="Capital call details"
        >
          <Stack gap="sm" mt="md" maw={720}>
            {message ? (
              <Alert color="red" role="alert" title="The call could not be previewed">
                {message}
              </Alert>
            ) : null}
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select
                label="Purpose"
                allowDeselect={false}
                data={CALL_PURPOSES}
                {...form.getInputProps("purpose")}
              />
              <TextInput
                label={`Amount (${fund.currency})`}
                inputMode="decimal"
                required
                data-autofocus
                {...form.getInputProps("amount")}
              />
              <DateField label="Call date" required {...form.getInputProps("call_date")} />
              <DateField label="Due date" required {...form.getInputProps("due_date")} />
            </SimpleGrid>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="call-basis-label">
                Allocate pro rata to
              </Text>
              <SegmentedControl
                aria-labelledby="call-basis-label"
                data={[
                  { value: "commitment", label: "Commitments" },
                  { value: "unfunded", label: "Unfunded commitments" },
                ]}
                {...form.getInputProps("basis")}
              />
            </Stack>
            <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
            <Group justify="flex-end">
              <Button component={Link} to={`/funds/${fund.id}/capital-calls`} variant="default">
                Cancel
              </Button>
              <Button type="submit" loading={previewCall.isPending}>
                Preview allocation
              </Button>
            </Group>
          </Stack>
        </form>
      </Stepper.Step>

      <Stepper.Step label="Allocation" description="Each LP's share">
        {preview ? (
          <Stack gap="md" mt="md">
            <Text size="sm">
              {humanize(values.purpose)} call of{" "}
              <strong>{formatMoney(preview.amount, preview.currency)}</strong>, pro rata to{" "}
              {preview.basis === "unfunded" ? "unfunded commitments" : "commitments"}, called{" "}
              {formatDate(values.call_date)} and due {formatDate(values.due_date)}. Nothing is saved yet.
            </Text>
            {message ? (
              <Alert color="red" role="alert" title="The call could not be drafted">
                {message}
              </Alert>
            ) : null}
            <CallPreviewTable preview={preview} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(0)}>
                Back
              </Button>
              <Button
                loading={createCall.isPending}
                onClick={() => {
                  setMessage(null);
                  createCall.mutate(toCallCreate(form.getValues()), {
                    onSuccess: (call) => {
                      setCreated(call);
                      setStep(2);
                    },
                    onError,
                  });
                }}
              >
                Create draft call
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Stepper.Step>

      <Stepper.Step label="Draft" description="Ready for approval">
        {created ? (
          <Paper p="lg" mt="md" maw={720}>
            <Stack gap="sm">
              <Group gap="xs">
                <IconCircleCheck color="var(--mantine-color-teal-7)" aria-hidden />
                <Text fw={600}>
                  Capital call {created.number} is drafted: {formatMoney(created.amount, created.currency)}{" "}
                  across {created.allocations.length} LPs.
                </Text>
              </Group>
              <Text size="sm" c="dimmed">
                Someone other than you approves it; then it is issued to the LPs with their notices.
              </Text>
              <Group>
                <Button component={Link} to={`/capital-calls/${created.id}`}>
                  Open the call
                </Button>
                <Anchor component={Link} to={`/funds/${fund.id}/capital-calls`} size="sm">
                  Back to the fund&apos;s calls
                </Anchor>
              </Group>
            </Stack>
          </Paper>
        ) : null}
      </Stepper.Step>
    </Stepper>
  );
}
