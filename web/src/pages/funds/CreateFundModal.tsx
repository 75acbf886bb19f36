import {
  Alert,
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { DateField } from "./shared/DateField";
import { parseAmount, percentToFraction } from "./shared/format";
import { useCreateFund, type CreatedFund, type FundCreate } from "./shared/queries";

/** The form's values: rates as percentages typed by a person, amounts as typed. */
interface FundFormValues {
  name: string;
  legal_name: string;
  currency: string;
  vintage: number | string;
  strategy: string;
  status: NonNullable<FundCreate["status"]>;
  target_size: string;
  initial_close_date: string | null;
  investment_period_end: string | null;
  term_years: number | string;
  waterfall_type: NonNullable<FundCreate["waterfall_type"]>;
  hurdle_rate: string;
  compounding: NonNullable<FundCreate["compounding"]>;
  catch_up_rate: string;
  carry_rate: string;
  return_of_capital_includes_fees: boolean;
  investment_period_rate: string;
  post_period_rate: string;
  post_period_basis: NonNullable<FundCreate["post_period_basis"]>;
  investment_period_years: number | string;
  fee_offset_rate: string;
  clawback_tax_rate: string;
  equalization_rate: string;
  bank_instructions: string;
}

const RATE_FIELDS = [
  "hurdle_rate",
  "catch_up_rate",
  "carry_rate",
  "investment_period_rate",
  "post_period_rate",
  "fee_offset_rate",
  "clawback_tax_rate",
  "equalization_rate",
] as const;

const INITIAL: FundFormValues = {
  name: "",
  legal_name: "",
  currency: "USD",
  vintage: new Date().getFullYear(),
  strategy: "",
  status: "fundraising",
  target_size: "",
  initial_close_date: null,
  investment_period_end: null,
  term_years: 10,
  waterfall_type: "european",
  hurdle_rate: "8",
  compounding: "compound",
  catch_up_rate: "100",
  carry_rate: "20",
  return_of_capital_includes_fees: true,
  investment_period_rate: "2",
  post_period_rate: "1.5",
  post_period_basis: "invested_cost",
  investment_period_years: 5,
  fee_offset_rate: "100",
  clawback_tax_rate: "0",
  equalization_rate: "8",
  bank_instructions: "",
};

function rateError(value: string): string | null {
  const fraction = percentToFraction(value);
  if (fraction === null) return "Enter a percentage, e.g. 8 or 1.5.";
  return Number(fraction) > 1 ? "At most 100%." : null;
}

export function toFundCreate(values: FundFormValues): FundCreate {
  const rates = Object.fromEntries(
    RATE_FIELDS.map((field) => [field, percentToFraction(values[field]) ?? values[field]]),
  ) as Pick<FundCreate, (typeof RATE_FIELDS)[number]>;
  const text = (value: string) => (value.trim() ? value.trim() : null);
  return {
    name: values.name.trim(),
    legal_name: text(values.legal_name),
    currency: values.currency.trim().toUpperCase(),
    vintage: values.vintage === "" ? null : Number(values.vintage),
    strategy: text(values.strategy),
    status: values.status,
    target_size: values.target_size.trim() ? (parseAmount(values.target_size) ?? values.target_size) : null,
    initial_close_date: values.initial_close_date || null,
    investment_period_end: values.investment_period_end || null,
    term_years: Number(values.term_years),
    waterfall_type: values.waterfall_type,
    compounding: values.compounding,
    return_of_capital_includes_fees: values.return_of_capital_includes_fees,
    post_period_basis: values.post_period_basis,
    investment_period_years: Number(values.investment_period_years),
    bank_instructions: text(values.bank_instructions),
    ...rates,
  };
}

interface CreateFundModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (fund: CreatedFund) => void;
}

/** A new fund with its terms: currency, vintage, closes, the waterfall and the fee rates. */
export function CreateFundModal({ opened, onClose, onCreated }: CreateFundModalProps) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<FundFormValues>({
    mode: "controlled",
    initialValues: INITIAL,
    validate: {
      name: (value) => (value.trim() ? null : "Enter the fund's name."),
      currency: (value) => (/^[A-Za-z]{3}$/.test(value.trim()) ? null : "A three-letter code, e.g. USD."),
      target_size: (value) =>
        !value.trim() || parseAmount(value) ? null : "Enter an amount, e.g. 100000000.",
      hurdle_rate: rateError,
      catch_up_rate: rateError,
      carry_rate: rateError,
      investment_period_rate: rateError,
      post_period_rate: rateError,
      fee_offset_rate: rateError,
      clawback_tax_rate: rateError,
      equalization_rate: rateError,
    },
  });

  const create = useCreateFund();
  const submit = (values: FundFormValues) =>
    create.mutate(toFundCreate(values), {
      onSuccess: (fund) => {
        form.reset();
        setMessage(null);
        onCreated(fund);
      },
      onError: (error) => setMessage(applyProblemToForm(form, error)),
    });

  return (
    <Modal opened={opened} onClose={onClose} title="New fund" size="xl">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="New fund"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert" title="The fund could not be created">
              {message}
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" required data-autofocus {...form.getInputProps("name")} />
            <TextInput label="Legal name" {...form.getInputProps("legal_name")} />
            <TextInput label="Currency" required maxLength={3} {...form.getInputProps("currency")} />
            <NumberInput
              label="Vintage"
              min={1900}
              max={2200}
              allowDecimal={false}
              {...form.getInputProps("vintage")}
            />
            <TextInput
              label="Strategy"
              placeholder="e.g. Growth equity"
              {...form.getInputProps("strategy")}
            />
            <Select
              label="Status"
              allowDeselect={false}
              data={[
                { value: "fundraising", label: "Fundraising" },
                { value: "investing", label: "Investing" },
                { value: "harvesting", label: "Harvesting" },
                { value: "liquidated", label: "Liquidated" },
              ]}
              {...form.getInputProps("status")}
            />
            <TextInput label="Target size" inputMode="decimal" {...form.getInputProps("target_size")} />
            <DateField label="Initial close" clearable {...form.getInputProps("initial_close_date")} />
            <DateField
              label="Investment period ends"
              clearable
              {...form.getInputProps("investment_period_end")}
            />
            <NumberInput
              label="Term (years)"
              min={1}
              max={99}
              allowDecimal={false}
              {...form.getInputProps("term_years")}
            />
          </SimpleGrid>

          <Divider label="Waterfall" labelPosition="left" mt="xs" />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label="Waterfall type"
              allowDeselect={false}
              data={[
                { value: "european", label: "European (whole fund)" },
                { value: "american", label: "American (deal by deal)" },
              ]}
              {...form.getInputProps("waterfall_type")}
            />
            <TextInput label="Hurdle rate (%)" inputMode="decimal" {...form.getInputProps("hurdle_rate")} />
            <Select
              label="Preferred return"
              allowDeselect={false}
              data={[
                { value: "compound", label: "Compounding" },
                { value: "simple", label: "Simple" },
              ]}
              {...form.getInputProps("compounding")}
            />
            <TextInput label="GP catch-up (%)" inputMode="decimal" {...form.getInputProps("catch_up_rate")} />
            <TextInput
              label="Carried interest (%)"
              inputMode="decimal"
              {...form.getInputProps("carry_rate")}
            />
            <TextInput
              label="Clawback tax rate (%)"
              inputMode="decimal"
              {...form.getInputProps("clawback_tax_rate")}
            />
            <Switch
              mt={28}
              label="Return fees with capital"
              {...form.getInputProps("return_of_capital_includes_fees", { type: "checkbox" })}
            />
          </SimpleGrid>

          <Divider label="Management fees" labelPosition="left" mt="xs" />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Investment period rate (%)"
              inputMode="decimal"
              {...form.getInputProps("investment_period_rate")}
            />
            <TextInput
              label="Later rate (%)"
              inputMode="decimal"
              {...form.getInputProps("post_period_rate")}
            />
            <Select
              label="Later basis"
              allowDeselect={false}
              data={[
                { value: "invested_cost", label: "Invested cost" },
                { value: "nav", label: "NAV" },
              ]}
              {...form.getInputProps("post_period_basis")}
            />
            <NumberInput
              label="Investment period (years)"
              min={1}
              max={20}
              allowDecimal={false}
              {...form.getInputProps("investment_period_years")}
            />
            <TextInput
              label="Fee offset (%)"
              inputMode="decimal"
              {...form.getInputProps("fee_offset_rate")}
            />
            <TextInput
              label="Late closers' interest (%)"
              inputMode="decimal"
              {...form.getInputProps("equalization_rate")}
            />
          </SimpleGrid>
          <Textarea
            label="Bank instructions"
            autosize
            minRows={2}
            {...form.getInputProps("bank_instructions")}
          />
          <Text size="xs" c="dimmed">
            Rates are percentages: 8 means 8%. The currency cannot change once the fund has its ledger.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create fund
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
