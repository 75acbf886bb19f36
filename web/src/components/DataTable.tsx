import {
  Button,
  Collapse,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  useMantineTheme,
  type MantineBreakpoint,
  type MantineColor,
  type MantineSpacing,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { Fragment, type ReactNode } from "react";

import { CsvButton } from "./CsvButton";
import { ErrorAlert } from "./ErrorAlert";
import classes from "./DataTable.module.css";

/** One column of a {@link DataTable}: which field it shows, under what title, and how. */
export interface DataTableColumn<T> {
  /** The record's field shown when there is no `render`; also the column's key. */
  accessor: string;
  title: ReactNode;
  render?: (record: T, index: number) => ReactNode;
  textAlign?: "left" | "center" | "right";
  /** Shown only on screens at least this wide, so a phone keeps the columns that matter. */
  visibleFrom?: MantineBreakpoint;
  /** Left out altogether (a column some callers do not want). */
  hidden?: boolean;
  /** The cell of the total row under the column. */
  footer?: ReactNode;
  width?: number | string;
  /** The title may wrap onto two lines (a long title over a narrow column of figures). */
  wrapTitle?: boolean;
  /** The cells keep to one line (a date), so a narrow screen squeezes the other columns instead. */
  noWrap?: boolean;
}

/**
 * Where the rows come from: a `useQuery` or `useCursorList` result fits as it is, so the table
 * shows its loading, its error with a retry, and (for a cursor list) its "Load more".
 */
export interface DataTableQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  isFetching: boolean;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

/** What a row carries besides its cells: test ids and data attributes, and a shade for a group's heading row. */
type RowAttributes = { "data-testid"?: string; bg?: MantineColor } & Record<
  `data-${string}`,
  string | undefined
>;

/** Details a record shows under its row on demand (shaped like mantine-datatable's `rowExpansion`). */
export interface DataTableRowExpansion<T> {
  isExpanded: (record: T) => boolean;
  /** Rendered only while the record is expanded. */
  content: (record: T) => ReactNode;
  /** The id of the details, for the `aria-controls` of the control that expands them. */
  id: (record: T) => string;
}

export interface DataTableProps<T> {
  /** The table's accessible name: what it lists. */
  label: string;
  columns: readonly DataTableColumn<T>[];
  records: readonly T[] | undefined;
  idAccessor: keyof T | ((record: T) => string);
  query?: DataTableQuery;
  noRecordsText?: string;
  /** The width under which the table scrolls sideways. */
  minWidth?: number;
  pinFirstColumn?: boolean;
  /** A wide table shows its sideways scrollbar at all times, so columns off screen are seen to exist. */
  alwaysShowScrollbar?: boolean;
  /** The list's CSV export (every matching row, not only the pages loaded). */
  csvHref?: string;
  csvLabel?: string;
  /** Controls shown above the table, left of the export (filters, actions). */
  toolbar?: ReactNode;
  rowAttributes?: (record: T) => RowAttributes;
  /** What the total row carries; its test id is `total-row` unless given here. */
  footerAttributes?: RowAttributes;
  rowExpansion?: DataTableRowExpansion<T>;
  /** Under this breakpoint each record is a card of its fields instead of a table row. */
  cardsBelow?: MantineBreakpoint;
  verticalSpacing?: MantineSpacing;
  /** On its own white card (default), or bare inside a card or modal of its caller. */
  withCard?: boolean;
}

function recordKey<T>(record: T, idAccessor: DataTableProps<T>["idAccessor"]): string {
  return typeof idAccessor === "function" ? idAccessor(record) : String(record[idAccessor]);
}

function cellContent<T>(column: DataTableColumn<T>, record: T, index: number): ReactNode {
  if (column.render) return column.render(record, index);
  const value = (record as Record<string, unknown>)[column.accessor];
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

function LoadingRows({ label }: { label: string }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label={label}>
      <Skeleton height={34} />
      {Array.from({ length: 5 }, (_, index) => (
        <Skeleton key={index} height={28} />
      ))}
    </Stack>
  );
}

function RecordCards<T>({
  label,
  columns,
  records,
  idAccessor,
  rowAttributes,
  footerAttributes,
  rowExpansion,
  withTotal,
  busy,
}: Pick<DataTableProps<T>, "label" | "columns" | "idAccessor" | "rowAttributes" | "rowExpansion"> & {
  records: readonly T[];
  footerAttributes: RowAttributes;
  withTotal: boolean;
  busy: boolean | undefined;
}) {
  const [heading, ...fields] = columns;
  return (
    <Stack gap="sm" role="list" aria-label={label} aria-busy={busy}>
      {records.map((record, index) => (
        <Paper
          key={recordKey(record, idAccessor)}
          p="sm"
          radius="md"
          role="listitem"
          {...rowAttributes?.(record)}
        >
          {heading ? (
            <Text size="sm" fw={600} mb={6} component="div">
              {cellContent(heading, record, index)}
            </Text>
          ) : null}
          <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
            {fields.map((column) => (
              <div key={column.accessor}>
                <Text size="xs" c="dimmed" component="div">
                  {column.title}
                </Text>
                <Text size="sm" component="div">
                  {cellContent(column, record, index)}
                </Text>
              </div>
            ))}
          </SimpleGrid>
          {rowExpansion?.isExpanded(record) ? (
            <div id={rowExpansion.id(record)}>{rowExpansion.content(record)}</div>
          ) : null}
        </Paper>
      ))}
      {withTotal ? (
        <Paper p="sm" radius="md" role="listitem" withBorder {...footerAttributes}>
          <Text size="sm" fw={700} mb={6} component="div">
            {heading?.footer}
          </Text>
          <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
            {fields.map((column) => (
              <div key={column.accessor}>
                <Text size="xs" c="dimmed" component="div">
                  {column.title}
                </Text>
                <Text size="sm" fw={600} component="div">
                  {column.footer}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Paper>
      ) : null}
    </Stack>
  );
}

/**
 * Every list of the app: columns and records in the shape of mantine-datatable, with the
 * list's loading skeleton, its empty text, its error and retry, "Load more" for a cursor list,
 * a CSV export, an optional total row and pinned first column, and cards on a phone.
 */
export function DataTable<T>({
  label,
  columns,
  records,
  idAccessor,
  query,
  noRecordsText = "Nothing to show.",
  minWidth = 0,
  pinFirstColumn = false,
  alwaysShowScrollbar = false,
  csvHref,
  csvLabel,
  toolbar,
  rowAttributes,
  footerAttributes,
  rowExpansion,
  cardsBelow,
  verticalSpacing = "xs",
  withCard = true,
}: DataTableProps<T>) {
  const theme = useMantineTheme();
  const narrow = useMediaQuery(`(max-width: ${cardsBelow ? theme.breakpoints[cardsBelow] : "0px"})`, false);
  const showCards = Boolean(cardsBelow) && narrow;
  const shown = columns.filter((column) => !column.hidden);
  const rows = records ?? [];
  const hasFooter = shown.some((column) => column.footer !== undefined);
  /** Rows on screen while they are read again (new filters, a refresh) are said to be busy. */
  const busy = query?.isFetching && !query.isFetchingNextPage ? true : undefined;
  const totalRow: RowAttributes = { "data-testid": "total-row", ...footerAttributes };

  const head =
    toolbar || csvHref ? (
      <Group justify={toolbar ? "space-between" : "flex-end"} align="flex-end" gap="sm" wrap="wrap">
        {toolbar}
        {csvHref ? <CsvButton href={csvHref} label={csvLabel} /> : null}
      </Group>
    ) : null;

  let body: ReactNode;
  // A list that waits (`enabled: false`) is pending but not fetching: it shows as empty.
  if (query?.isPending && query.isFetching) {
    body = <LoadingRows label={`Loading ${label.charAt(0).toLowerCase()}${label.slice(1)}`} />;
  } else if (query?.isError && rows.length === 0) {
    body = (
      <ErrorAlert error={query.error} onRetry={() => void query.refetch()} isRetrying={query.isFetching} />
    );
  } else if (showCards) {
    body =
      rows.length === 0 ? (
        <Paper p="md" radius="md">
          <Text c="dimmed" size="sm" ta="center">
            {noRecordsText}
          </Text>
        </Paper>
      ) : (
        <RecordCards
          label={label}
          columns={shown}
          records={rows}
          idAccessor={idAccessor}
          rowAttributes={rowAttributes}
          footerAttributes={totalRow}
          rowExpansion={rowExpansion}
          withTotal={hasFooter}
          busy={busy}
        />
      );
  } else {
    const pinned = (index: number) => (pinFirstColumn && index === 0 ? classes.pinned : undefined);
    const table = (
      <Table.ScrollContainer
        // Positioned, so what is laid out absolutely inside (visually hidden titles) scrolls and
        // clips with the table rather than widening the page.
        pos="relative"
        minWidth={minWidth}
        type={alwaysShowScrollbar ? "scrollarea" : "native"}
        scrollAreaProps={alwaysShowScrollbar ? { type: "always", offsetScrollbars: "x" } : undefined}
      >
        <Table
          horizontalSpacing="md"
          verticalSpacing={verticalSpacing}
          highlightOnHover
          aria-label={label}
          aria-busy={busy}
        >
          <Table.Thead>
            <Table.Tr>
              {shown.map((column, index) => (
                <Table.Th
                  key={column.accessor}
                  ta={column.textAlign}
                  w={column.width}
                  miw={column.width}
                  visibleFrom={column.visibleFrom}
                  className={pinned(index)}
                  style={column.wrapTitle ? undefined : { whiteSpace: "nowrap" }}
                >
                  {column.title}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={shown.length}>
                  <Text c="dimmed" size="sm" ta="center" py="md">
                    {noRecordsText}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((record, index) => {
                const expanded = rowExpansion?.isExpanded(record) ?? false;
                return (
                  <Fragment key={recordKey(record, idAccessor)}>
                    <Table.Tr {...rowAttributes?.(record)}>
                      {shown.map((column, columnIndex) => (
                        <Table.Td
                          key={column.accessor}
                          ta={column.textAlign}
                          visibleFrom={column.visibleFrom}
                          className={pinned(columnIndex)}
                          style={column.noWrap ? { whiteSpace: "nowrap" } : undefined}
                        >
                          {cellContent(column, record, index)}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                    {rowExpansion ? (
                      <Table.Tr
                        id={rowExpansion.id(record)}
                        style={expanded ? undefined : { display: "none" }}
                      >
                        <Table.Td colSpan={shown.length} bg="gray.0">
                          <Collapse in={expanded}>{expanded ? rowExpansion.content(record) : null}</Collapse>
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Fragment>
                );
              })
            )}
          </Table.Tbody>
          {hasFooter && rows.length > 0 ? (
            <Table.Tfoot className={classes.footer}>
              <Table.Tr {...totalRow}>
                {shown.map((column, index) => (
                  <Table.Td
                    key={column.accessor}
                    ta={column.textAlign}
                    visibleFrom={column.visibleFrom}
                    className={pinned(index)}
                  >
                    {column.footer}
                  </Table.Td>
                ))}
              </Table.Tr>
            </Table.Tfoot>
          ) : null}
        </Table>
      </Table.ScrollContainer>
    );
    body = withCard ? (
      <Paper radius="md" style={{ overflow: "hidden" }}>
        {table}
      </Paper>
    ) : (
      table
    );
  }

  const more =
    query && rows.length > 0 ? (
      query.isError ? (
        <ErrorAlert
          error={query.error}
          onRetry={() => void (query.fetchNextPage ?? query.refetch)()}
          isRetrying={query.isFetching}
        />
      ) : query.hasNextPage && query.fetchNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            onClick={() => void query.fetchNextPage?.()}
            loading={query.isFetchingNextPage}
          >
            Load more
          </Button>
        </Group>
      ) : null
    ) : null;

  if (!head && !more) return <>{body}</>;
  return (
    <Stack gap="sm">
      {head}
      {body}
      {more}
    </Stack>
  );
}
