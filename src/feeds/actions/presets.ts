import { actionMappingSchema, type ActionMapping, type ActionMappingInput } from './mapping.ts';

/*
 * Built-in mappings of performance systems' action exports. `pentana` is the shape of the
 * service-plan progress reports Moray, Inverclyde and Dumfries and Galloway councils publish
 * (Pentana Performance, formerly Covalent): Action Code, Action Title, Priority, Desired Outcome,
 * Due Date, Latest Status Update, Progress, Status Icon, plus Section, Parent, Type, Owner and
 * Updated (and Start Date where the export has it).
 */
const inputs: Record<string, ActionMappingInput & { description: string }> = {
  pentana: {
    description: 'Pentana-style service-plan export: Action Code, Action Title, Priority, Desired Outcome, Due Date, Latest Status Update, Progress, Status Icon, Section, Parent, Type, Owner, Updated (Start Date optional)',
    // UK exports write days first; long month names appear in printed reports.
    dateFormats: ['dd/MM/yyyy', 'dd/MM/yyyy HH:mm', 'dd/MM/yyyy HH:mm:ss', 'dd-MMM-yyyy', 'dd MMM yyyy', 'dd-MMM-yy'],
    columns: {
      code: ['Action Code', 'Code'],
      title: ['Action Title', 'Title'],
      section: 'Section',
      priority: 'Priority',
      progress: 'Progress',
      dueDate: 'Due Date',
      startDate: ['Start Date', 'Original Start Date'],
      desiredOutcome: 'Desired Outcome',
      latestUpdate: ['Latest Status Update', 'Latest Note'],
      statusIcon: ['Status Icon', 'Status'],
      parent: ['Parent', 'Parent Code'],
      type: 'Type',
      owner: ['Owner', 'Assigned To', 'Managed By'],
      updated: ['Updated', 'Last Updated'],
    },
  },
  generic: {
    description: "The project's own action CSV: code, title, section, priority, progress, due_date, start_date, desired_outcome, latest_update, status_icon, parent, type, owner, updated (ISO dates)",
    columns: {
      code: 'code', title: 'title', section: 'section', priority: 'priority', progress: 'progress', dueDate: 'due_date', startDate: 'start_date',
      desiredOutcome: 'desired_outcome', latestUpdate: 'latest_update', statusIcon: 'status_icon', parent: 'parent', type: 'type', owner: 'owner', updated: 'updated',
    },
  },
};

export const actionPresets = new Map<string, ActionMapping>(Object.entries(inputs).map(([name, { description: _d, ...m }]) => [name, actionMappingSchema.parse(m)]));
export const actionPresetNames = [...actionPresets.keys()];
