import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, TextInput, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";

import { applyProblemToForm } from "../../../api/forms";
import { percentToFraction } from "../shared/format";
import { useCreateInvestor, type Investor, type InvestorCreate } from "./queries";

interface InvestorFormValues {
  kind: InvestorCreate["kind"];
  name: string;
  email: string;
  phone: string;
  country: string;
  address: string;
  tax_id: string;
  bank_name: string;
  bank_account: string;
  bank_routing: string;
  withholding_rate: string;
  notes: string;
}

const INITIAL: InvestorFormValues = {
  kind: "entity",
  name: "",
  email: "",
  phone: "",
  country: "",
  address: "",
  tax_id: "",
  bank_name: "",
  bank_account: "",
  bank_routing: "",
  withholding_rate: "0",
  notes: "",
};

function toBody(values: InvestorFormValues): InvestorCreate {
  const text = (value: string) => (value.trim() ? value.trim() : null);
  return {
    kind: values.kind,
    name: values.name.trim(),
    email: text(values.email),
    phone: text(values.phone),
    country: text(values.country.toUpperCase()),
    address: text(values.address),
    tax_id: text(values.tax_id),
    bank_name: text(values.bank_name),
    bank_account: text(values.bank_account),
    bank_routing: text(values.bank_routing),
    withholding_rate: percentToFraction(values.withholding_rate) ?? values.withholding_rate,
    notes: text(values.notes),
  };
}

/** A new investor (an LP, or the GP's own entity); tax and bank details are stored encrypted. */
export function CreateInvestorModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (investor: Investor) => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm<InvestorFormValues>({
    mode: "controlled",
    initialValues: INITIAL,
    validate: {
      name: (value) => (value.trim() ? null : "Enter the investor's name."),
      email: (value) =>
        !value.trim() || /^\S+@\S+\.\S+$/.test(value.trim()) ? null : "Enter an email address.",
      country: (value) =>
        !value.trim() || /^[A-Za-z]{2}$/.test(value.trim()) ? null : "A two-letter code, e.g. US.",
      withholding_rate: (value) =>
        percentToFraction(value) !== null ? null : "Enter a percentage, e.g. 0 or 15.",
    },
  });
  const create = useCreateInvestor();
  const submit = (values: InvestorFormValues) =>
    create.mutate(toBody(values), {
      onSuccess: (investor) => {
        form.reset();
        setMessage(null);
        onCreated(investor);
      },
      onError: (error) => setMessage(applyProblemToForm(form, error)),
    });
  return (
    <Modal opened={opened} onClose={onClose} title="New investor" size="lg">
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values);
        })}
        noValidate
        aria-label="New investor"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert" title="The investor could not be created">
              {message}
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" required data-autofocus {...form.getInputProps("name")} />
            <Select
              label="Kind"
              allowDeselect={false}
              data={[
                { value: "entity", label: "Entity" },
                { value: "individual", label: "Individual" },
              ]}
              {...form.getInputProps("kind")}
            />
            <TextInput label="Email" type="email" {...form.getInputProps("email")} />
            <TextInput label="Phone" {...form.getInputProps("phone")} />
            <TextInput
              label="Country"
              maxLength={2}
              placeholder="e.g. US"
              {...form.getInputProps("country")}
            />
            <TextInput
              label="Withholding rate (%)"
              inputMode="decimal"
              {...form.getInputProps("withholding_rate")}
            />
            <TextInput label="Tax id" {...form.getInputProps("tax_id")} />
            <TextInput label="Bank" {...form.getInputProps("bank_name")} />
            <TextInput label="Bank account" {...form.getInputProps("bank_account")} />
            <TextInput label="Routing number" {...form.getInputProps("bank_routing")} />
          </SimpleGrid>
          <Textarea label="Address" autosize minRows={2} {...form.getInputProps("address")} />
          <Textarea label="Notes" autosize minRows={2} {...form.getInputProps("notes")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create investor
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
