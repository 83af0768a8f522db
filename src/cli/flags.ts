// Flag definitions shared by several commands, so one flag means one thing everywhere
// (e.g. --refine is a whole number of bisection steps for both capacity and compare).

import { type CommandContext, type FlagSpec, flagString } from './command';

export interface CapacityDefaults {
  maxRate: number;
  /** Seconds per step; undefined: computed from heartbeat_interval (described by stepSecsText). */
  stepSecs?: number;
  stepSecsText?: string;
  refine: number;
}

/** The capacity search's flags: --start-rate, --factor, --max-rate, --step-secs, --refine. */
export function capacityFlags(d: CapacityDefaults): FlagSpec[] {
  return [
    { name: 'start_rate', type: 'float', default: 100, min: 1, max: 1e6, help: 'First offered load in heartbeats/s.' },
    { name: 'factor', type: 'float', default: 2, min: 1.1, max: 10, help: 'Growth factor between steps.' },
    {
      name: 'max_rate',
      type: 'float',
      default: d.maxRate,
      min: 1,
      max: 1e7,
      help: 'Stop growing here (heartbeats/s).',
    },
    {
      name: 'step_secs',
      type: 'int',
      default: d.stepSecs,
      defaultText: d.stepSecsText,
      min: 5,
      max: 3600,
      help: 'Seconds of heartbeats per step.',
    },
    {
      name: 'refine',
      type: 'int',
      default: d.refine,
      min: 0,
      max: 10,
      help: 'Bisection steps between the last good and the first bad rate.',
    },
  ];
}

/** The reports of one run, for `run` and for `report` from its record: --report-json, --report-html, --junit. */
export const RUN_REPORT_FLAGS: FlagSpec[] = [
  { name: 'report_json', type: 'string', help: 'Write every figure and time series as JSON.' },
  { name: 'report_html', type: 'string', help: 'Write a self-contained HTML report with charts.' },
  { name: 'junit', type: 'string', help: 'Write JUnit XML (one test case per SLA criterion).' },
];

/** The paths RUN_REPORT_FLAGS gave. */
export function runReportPaths(ctx: CommandContext): { json?: string; html?: string; junit?: string } {
  return {
    json: flagString(ctx, 'report_json'),
    html: flagString(ctx, 'report_html'),
    junit: flagString(ctx, 'junit'),
  };
}
