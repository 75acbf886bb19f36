import { Badge, createTheme, type MantineColorsTuple } from "@mantine/core";

const fundhouseBlue: MantineColorsTuple = [
  "#e8f2fc",
  "#d2e2f3",
  "#a3c2e6",
  "#71a0d9",
  "#4883ce",
  "#2f71c8",
  "#2067c6",
  "#1257af",
  "#074d9d",
  "#00428b",
];

export const theme = createTheme({
  primaryColor: "fundhouse",
  colors: { fundhouse: fundhouseBlue },
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: "md",
  fontFamily:
    "Inter, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  headings: { fontWeight: "650" },
  components: {
    Paper: { defaultProps: { withBorder: true } },
    Card: { defaultProps: { withBorder: true } },
    // A badge keeps its whole text wherever it sits: it neither shrinks in a crowded row nor
    // clips its label ("ACT…") in a narrow table column; the column grows instead.
    Badge: Badge.extend({
      styles: {
        root: { flexShrink: 0, overflow: "visible", minWidth: "fit-content" },
        label: { overflow: "visible", textOverflow: "clip" },
      },
    }),
  },
});
