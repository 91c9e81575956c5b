/**
 * The drop folders under the data directory (README "Configuration"): the drop jobs read them,
 * the demo writes into them. One layout, so the two never disagree.
 */
import path from 'node:path';

type DropFolder = { inbox: string; processed: string; failed: string };

function dropFolder(dataDir: string, feed: string): DropFolder {
  const root = path.join(dataDir, 'drop', feed);
  return { inbox: root, processed: path.join(root, 'processed'), failed: path.join(root, 'failed') };
}

/** The ticket drop folder (`drop/tickets/`). */
export const dropFolders = (dataDir: string): DropFolder => dropFolder(dataDir, 'tickets');

/** The casework drop folder (`drop/cases/`). */
export const caseDropFolders = (dataDir: string): DropFolder => dropFolder(dataDir, 'cases');

/** The calls and email-contacts drop folders (with processed/ and failed/). */
export function callDropFolders(dataDir: string) {
  return {
    calls: path.join(dataDir, 'drop', 'calls'),
    emails: path.join(dataDir, 'drop', 'emails'),
    processed: (inbox: string) => path.join(inbox, 'processed'),
    failed: (inbox: string) => path.join(inbox, 'failed'),
  };
}
