import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconCircleCheck } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { applyProblemToForm } from "../../../api/forms";
import { hasPermission, useMe } from "../../../auth/session";
import { formatDate, humanize } from "../../../components/formatting";
import { DateField } from "../shared/DateField";
import { formatMoney, parseAmount, todayIso } from "../shared/format";
import { useCompanyOptions, type Fund } from "../shared/queries";
import {
  useCreateDistribution,
  usePreviewDistribution,
  type CreatedDistribution as Created,
  type DistributionCreate,
  type Waterfall as Preview,
} from "./queries";
import { WaterfallTables } from "./WaterfallTables";

interface DistributionFormValues {
  source: DistributionCreate["source"];
  gross_amount: string;
  distribution_date: string | null;
  company_id: string | null;
  recallable: boolean;
  recallable_amount: string;
  description: string;
}

const SOURCES = [
  { value: "exit", label: "Exit proceeds" },
  { value: "dividend", label: "Dividend" },
  { value: "interest", label: "Interest" },
  { value: "other", label: "Other" },
];

function toBody(values: DistributionFormValues): DistributionCreate {
  const description = values.description.trim();
  return {
    source: values.source,
    gross_amount: parseAmount(values.gross_amount) ?? values.gross_amount,
    distribution_date: values.distribution_date ?? "",
    company_id: values.company_id,
    recallable: values.recallable,
    recallable_amount: values.recallable
      ? (parseAmount(values.recallable_amount) ?? values.recallable_amount)
      : "0",
    ...(description ? { description } : {}),
    exceeds_cash_confirmed: false,
  };
}

/** Draft a distribution: proceeds and date, the waterfall the API previews, then the draft. */
export function DistributionWizard({ fund }: { fund: Fund }) {
  const me = useMe();
  const [step, setStep] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const canReadPortfolio = hasPermission(me.data, "valuation:read");
  const companies = useCompanyOptions(fund.id, canReadPortfolio);
  const form = useForm<DistributionFormValues>({
    mode: "controlled",
    initialValues: {
      source: "exit",
      gross_amount: "",
      distribution_date: todayIso(),
      company_id: null,
      recallable: false,
      recallable_amount: "",
      description: "",
    },
    validate: {
      gross_amount: (value) => (parseAmount(value) ? null : "Enter the proceeds to distribute."),
      distribution_date: (value) => (value ? null : "Enter the distribution date."),
      company_id: (value) =>
        fund.waterfall_type === "american" && !value
          ? "A deal-by-deal waterfall needs the company realized."
          : null,
      recallable_amount: (value, values) =>
        values.recallable && !parseAmount(value) ? "Enter the part the LPs may be called for again." : null,
    },
  });
  const values = form.getValues();

  const previewDistribution = usePreviewDistribution(fund.id);
  const create = useCreateDistribution(fund.id);
  const onError = (error: Error) => setMessage(applyProblemToForm(form, error));

  return (
    <Stepper
      active={step}
      allowNextStepsSelect={false}
      onStepClick={(index) => index < step && step < 2 && setStep(index)}
    >
      <Stepper.Step label="Details" description="Proceeds and date">
        <form
          onSubmit={form.onSubmit((submitted) => {
            setMessage(null);
            previewDistribution.mutate(toBody(submitted), {
              onSuccess: (result) => {
                setPreview(result);
                setStep(1);
              },
              onError,
            });
          })}
          noValidate
          aria-label="Distribution details"
        >
          <Stack gap="sm" mt="md" maw={720}>
            {message ? (
              <Alert color="red" role="alert" title="The waterfall could not be run">
                {message}
              </Alert>
            ) : null}
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Select label="Source" allowDeselect={false} data={SOURCES} {...form.getInputProps("source")} />
              <TextInput
                label={`Gross amount (${fund.currency})`}
                inputMode="decimal"
                required
                data-autofocus
                {...form.getInputProps("gross_amount")}
              />
              <DateField label="Distribution date" required {...form.getInputProps("distribution_date")} />
              {canReadPortfolio ? (
                <Select
                  label="Portfolio company"
                  placeholder={fund.waterfall_type === "american" ? "Required" : "Optional"}
                  clearable
                  searchable
                  data={companies.data ?? []}
                  {...form.getInputProps("company_id")}
                />
              ) : null}
            </SimpleGrid>
            <Group align="flex-end" gap="sm">
              <Switch
                label="Recallable in part"
                {...form.getInputProps("recallable", { type: "checkbox" })}
              />
              {values.recallable ? (
                <TextInput
                  label={`Recallable amount (${fund.currency})`}
                  inputMode="decimal"
                  {...form.getInputProps("recallable_amount")}
                />
              ) : null}
            </Group>
            <Textarea label="Description" autosize minRows={2} {...form.getInputProps("description")} />
            <Group justify="flex-end">
              <Button component={Link} to={`/funds/${fund.id}/distributions`} variant="default">
                Cancel
              </Button>
              <Button type="submit" loading={previewDistribution.isPending}>
                Run the waterfall
              </Button>
            </Group>
          </Stack>
        </form>
      </Stepper.Step>
      <Stepper.Step label="Waterfall" description="Tiers and partners">
        {preview ? (
          <Stack gap="md" mt="md">
            <Text size="sm">
              {humanize(preview.source)} of{" "}
              <strong>{formatMoney(preview.gross_amount, preview.currency)}</strong> on{" "}
              {formatDate(preview.distribution_date)} through the {humanize(preview.waterfall_type)}{" "}
              waterfall. Nothing is saved yet.
            </Text>
            {message ? (
              <Alert color="red" role="alert" title="The distribution could not be drafted">
                {message}
              </Alert>
            ) : null}
            <WaterfallTables tiers={preview.tiers} partners={preview.partners} currency={preview.currency} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(0)}>
                Back
              </Button>
              <Button
                loading={create.isPending}
                onClick={() => {
                  setMessage(null);
                  create.mutate(toBody(form.getValues()), {
                    onSuccess: (distribution) => {
                      setCreated(distribution);
                      setStep(2);
                    },
                    onError,
                  });
                }}
              >
                Create draft distribution
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
                  Distribution {created.number} is drafted:{" "}
                  {formatMoney(created.gross_amount, created.currency)}.
                </Text>
              </Group>
              <Text size="sm" c="dimmed">
                Someone other than you approves it; then it is issued and paid.
              </Text>
              <Group>
                <Button component={Link} to={`/funds/${fund.id}/distributions/${created.id}`}>
                  Open the distribution
                </Button>
                <Anchor component={Link} to={`/funds/${fund.id}/distributions`} size="sm">
                  Back to the fund&apos;s distributions
                </Anchor>
              </Group>
            </Stack>
          </Paper>
        ) : null}
      </Stepper.Step>
    </Stepper>
  );
}
