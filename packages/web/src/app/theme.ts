import { type CSSVariablesResolver, createTheme, DEFAULT_THEME, TableScrollContainer } from '@mantine/core';

/**
 * Calm and legible: indigo at shade 8 (white text on it is above 4.5:1), dimmed text dark enough to
 * pass WCAG AA contrast, system fonts for both scripts (no font download).
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 6 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  defaultRadius: 'sm',
  focusRing: 'auto',
  components: {
    // A table wider than the screen scrolls sideways: the scrolling box must be reachable by keyboard.
    TableScrollContainer: TableScrollContainer.extend({ defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } }),
  },
});

/**
 * Text and outlines in every colour dark enough for WCAG AA (4.5:1) on white and on the colour's
 * light background: Mantine's defaults for orange, yellow, green and the like are lighter than that,
 * and so are white-on-filled buttons of those colours.
 */
const darkened = (color: string, share: number) => `color-mix(in srgb, var(--mantine-color-${color}-9) ${share}%, black)`;
const contrastSafeColours = Object.fromEntries(
  Object.keys(DEFAULT_THEME.colors)
    .filter((color) => color !== 'dark' && color !== 'gray')
    .flatMap((color) => [
      [`--mantine-color-${color}-text`, darkened(color, 75)],
      [`--mantine-color-${color}-light-color`, darkened(color, 75)],
      [`--mantine-color-${color}-outline`, darkened(color, 75)],
      [`--mantine-color-${color}-filled`, darkened(color, 85)],
      [`--mantine-color-${color}-filled-hover`, darkened(color, 70)],
    ]),
);

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    ...contrastSafeColours,
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // Field error text: red 6 on white is under 4.5:1; red 8 passes.
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  },
  dark: {},
});
