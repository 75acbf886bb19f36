import { DateInput, type DateInputProps } from "@mantine/dates";

/** A date as the API writes it (`YYYY-MM-DD`), typed or picked. */
export function DateField(props: Omit<DateInputProps, "valueFormat">) {
  return <DateInput valueFormat="YYYY-MM-DD" placeholder="YYYY-MM-DD" {...props} />;
}
