import { ticketMappingSchema, type TicketMapping, type TicketMappingInput } from './mapping.ts';

/*
 * Built-in mappings for the exports service desks really have. Column names and formats follow
 * the vendors' documentation (cited in README.md, "Ticket feed presets") and, where public
 * samples exist, the real exports in ../shared/data (SOURCES.md).
 */

// ServiceNow incident priority is a choice list "1 - Critical" … "5 - Planning"; list exports
// give the display value, the Table API the stored number.
const serviceNowPriority = {
  '1 - Critical': 'critical', '2 - High': 'high', '3 - Moderate': 'normal', '4 - Low': 'low', '5 - Planning': 'long_term',
  '1': 'critical', '2': 'high', '3': 'normal', '4': 'low', '5': 'long_term',
} as const;

// ServiceNow incident states (display values and the stored numbers the Table API returns);
// "On Hold" pauses by the default policy, "Canceled" (US spelling) must read as resolved.
const serviceNowStatus = {
  '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Cancelled',
  Canceled: 'Cancelled',
};

const serviceNowCommon = {
  source: 'servicenow',
  // A list export writes date-times in the exporting user's format; the system default is
  // yyyy-MM-dd HH:mm:ss, in the user's time zone (set `zone` to the instance's if it is not the calendar's).
  dateFormats: ['yyyy-MM-dd HH:mm:ss', 'dd/MM/yyyy HH:mm:ss', 'd/M/yyyy H:mm'],
  priority: { map: serviceNowPriority },
  vip: { map: { true: true, false: false } },
  status: { map: serviceNowStatus },
} satisfies Partial<TicketMappingInput>;

const serviceNowColumns = {
  id: 'number',
  priority: 'priority',
  openedAt: ['opened_at', 'sys_created_on'],
  team: 'assignment_group',
  channel: 'contact_type',
  category: 'category',
  status: ['incident_state', 'state'],
  vip: ['caller_id.vip', 'u_vip', 'requested_for.vip'],
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
};

const inputs: Record<string, TicketMappingInput & { description: string }> = {
  'servicenow-incident': {
    description: 'ServiceNow incident list export (CSV): number, opened_at, priority "1 - Critical", state, assignment_group, contact_type, caller_id.vip',
    ...serviceNowCommon,
    columns: serviceNowColumns,
    kind: { default: 'incident', map: {} },
  },
  'servicenow-requested-item': {
    description: 'ServiceNow requested item (sc_req_item) list export: number RITM…, opened_at, closed_at, priority, state, assignment_group',
    ...serviceNowCommon,
    columns: { ...serviceNowColumns, status: ['state', 'stage'], vip: ['requested_for.vip', 'request.requested_for.vip'], resolvedAt: ['resolved_at', 'closed_at'] },
    kind: { default: 'service_request', map: {} },
    // Requested items use "Closed Complete / Closed Incomplete / Closed Skipped"; all are done.
    status: { map: { ...serviceNowStatus, 'Closed Complete': 'Closed', 'Closed Incomplete': 'Closed', 'Closed Skipped': 'Closed', '3': 'Closed', '4': 'Closed', '7': 'Closed', '1': 'Pending', '2': 'Open', '-5': 'Pending' } },
  },
  'servicenow-event-log': {
    description: 'ServiceNow audit-style incident event log: one row per update (incident_state, priority at sys_updated_at, sys_mod_count); latest state plus status and priority history',
    ...serviceNowCommon,
    dateFormats: ['d/M/yyyy H:mm', 'yyyy-MM-dd HH:mm:ss'],
    missingValues: ['?'],
    columns: { ...serviceNowColumns, status: ['incident_state', 'state'], vip: ['caller_id.vip', 'u_vip'] },
    kind: { default: 'incident', map: {} },
    eventLog: { updatedAt: ['sys_updated_at', 'sys_updated_on'], sequence: 'sys_mod_count' },
  },
  'jira-sm': {
    description: 'Jira Service Management issue export (CSV): Issue key, Issue Type, Priority, Status, Created, Resolved, Component/s',
    source: 'jira',
    // Jira's default date-time format is dd/MMM/yy h:mm a ("15/Mar/25 9:30 AM"), in the exporting user's zone.
    dateFormats: ['dd/MMM/yy h:mm a', 'dd/MMM/yyyy h:mm a', 'dd/MM/yyyy HH:mm', 'yyyy-MM-dd HH:mm'],
    columns: {
      id: 'Issue key',
      kind: 'Issue Type',
      priority: 'Priority',
      status: 'Status',
      openedAt: 'Created',
      resolvedAt: 'Resolved',
      team: ['Custom field (Team)', 'Component/s', 'Components'],
      category: ['Custom field (Request Type)', 'Request Type'],
      channel: ['Custom field (Request channel type)', 'Request channel type'],
      satisfaction: ['Custom field (Satisfaction rating)', 'Satisfaction rating'],
    },
    kind: {
      map: {
        Incident: 'incident', Problem: 'incident', Bug: 'incident',
        'Service Request': 'service_request', 'Service Request with Approvals': 'service_request',
        'IT Help': 'service_request', 'Get IT help': 'service_request', Task: 'service_request', Change: 'service_request',
      },
    },
    priority: { map: { Highest: 'critical', Blocker: 'critical', Critical: 'critical', High: 'high', Major: 'high', Medium: 'normal', Low: 'low', Minor: 'low', Lowest: 'long_term', Trivial: 'long_term' } },
    // JSM's "Waiting for customer" stops the clock; "Waiting for support" does not.
    status: { map: { 'Waiting for customer': 'Awaiting customer', Pending: 'Pending', Canceled: 'Cancelled', Declined: 'Cancelled' } },
  },
  'servicenow-api': {
    description: 'ServiceNow Table API records (sysparm_display_value=all): stored values for dates (UTC) and numbers, display values for names',
    source: 'servicenow',
    dateFormats: ['yyyy-MM-dd HH:mm:ss'],
    zone: 'UTC',
    columns: {
      id: 'number',
      priority: 'priority.value',
      openedAt: 'opened_at.value',
      resolvedAt: 'resolved_at.value',
      closedAt: 'closed_at.value',
      team: 'assignment_group',
      channel: 'contact_type',
      category: 'category',
      status: 'state',
      vip: 'caller_id.vip.value',
    },
    kind: { default: 'incident', map: {} },
    priority: { map: serviceNowPriority },
    vip: { map: { true: true, false: false } },
    status: { map: serviceNowStatus },
    // Each pulled state is kept as history at its update time, and an older state never replaces a newer one.
    eventLog: { updatedAt: 'sys_updated_on.value', sequence: 'sys_mod_count.value' },
  },
  'jira-api': {
    description: 'Jira Cloud REST search results (fields flattened: issuetype, priority, status, created, resolutiondate, components)',
    source: 'jira',
    columns: { id: 'key', kind: 'issuetype', priority: 'priority', status: 'status', openedAt: 'created', resolvedAt: 'resolutiondate', team: 'components' },
    kind: { map: {} },
    eventLog: { updatedAt: 'updated', history: ['status', 'priority'] },
  },
  'rabobank-itil': {
    description: 'Rabobank Group ICT ITIL incident export (BPI Challenge 2014): ";" separated, dd/mm/yyyy HH:MM:SS, Priority 1-5, blank rows',
    source: 'rabobank',
    delimiter: ';',
    dateFormats: ['dd/MM/yyyy HH:mm:ss', 'dd/MM/yyyy HH:mm'],
    zone: 'Europe/Amsterdam',
    columns: {
      id: 'Incident ID',
      kind: 'Category',
      priority: 'Priority',
      status: 'Status',
      openedAt: 'Open Time',
      resolvedAt: 'Resolved Time',
      closedAt: 'Close Time',
      team: 'Service Component WBS (aff)',
      category: 'CI Type (aff)',
    },
    kind: { map: { incident: 'incident', 'request for information': 'service_request', 'request for change': 'service_request', complaint: 'incident' } },
    priority: { map: { '1': 'critical', '2': 'high', '3': 'normal', '4': 'low', '5': 'long_term' } },
  },
};

inputs['jira-api']!.kind = inputs['jira-sm']!.kind;
inputs['jira-api']!.priority = inputs['jira-sm']!.priority;
inputs['jira-api']!.status = inputs['jira-sm']!.status;

/** The built-in presets by name, validated like any configured mapping. */
export const ticketPresets: ReadonlyMap<string, TicketMapping & { description: string }> = new Map(
  Object.entries(inputs).map(([name, { description, ...m }]) => [name, { ...ticketMappingSchema.parse(m), description }]),
);

/** `generic` is the project's own format (ARCHITECTURE.md), read by the generic feed. */
export const presetNames = ['generic', ...ticketPresets.keys()];
