import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/calendar/zone.ts';
import { caseClock, caseOutcome, type CaseFacts } from '../../src/casework/clock.ts';
import { bankHolidays, englandAndWales, goodFridays, northernIreland, scotland, unitedKingdom } from '../../src/casework/holidays.ts';
import { caseRules, caseworkConfigSchema } from '../../src/casework/policy.ts';
import { addCalendarMonths, addWorkingDays, isWorkingDay, workingDaysBetween } from '../../src/casework/working-days.ts';

const rules = caseRules(caseworkConfigSchema.parse({}));
/** Naive local times, read in Europe/London as the feed reads them. */
const at = (text: string) => parseTimestamp(text, 'Europe/London')!.ms;
const facts = (received: string, more: Partial<Record<keyof CaseFacts, string | null>> = {}): CaseFacts => {
  const t = (k: keyof CaseFacts) => (more[k] ? at(more[k]!) : null);
  return {
    receivedAt: at(received),
    respondedAt: t('respondedAt'),
    extendedTo: more.extendedTo ?? null,
    extensionReason: more.extensionReason ?? null,
    clarificationRequestedAt: t('clarificationRequestedAt'),
    clarificationReceivedAt: t('clarificationReceivedAt'),
    feeRequestedAt: t('feeRequestedAt'),
    feeReceivedAt: t('feeReceivedAt'),
    idRequestedAt: t('idRequestedAt'),
    idReceivedAt: t('idReceivedAt'),
  };
};
const clockOf = (kind: string, f: CaseFacts) => {
  const { policy, calendar } = rules.policyFor(kind, '2025-01-01')!;
  return caseClock(f, policy, calendar, rules.coveredYears(calendar.id));
};

describe('bank holiday sets (GOV.UK lists)', () => {
  it('cover 2015–2030 for each part of the UK, with substitute days', () => {
    for (const set of [englandAndWales, scotland, northernIreland]) {
      const years = new Set(set.map((d) => d.slice(0, 4)));
      expect([...years].sort()).toEqual(Array.from({ length: 16 }, (_, i) => String(2015 + i)));
    }
    // 2022 in England and Wales: New Year Sat → Mon 3 Jan; spring moved to Thu 2 Jun and the
    // Platinum Jubilee Fri 3 Jun; the Queen's funeral Mon 19 Sep; Christmas Sun → Tue 27 Dec.
    expect(englandAndWales.filter((d) => d.startsWith('2022'))).toEqual(['2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27']);
    // Scotland 2022: New Year Sat and 2 Jan Sun → Mon 3 and Tue 4; no Easter Monday; summer
    // holiday the first Monday of August (1 Aug); St Andrew's Day Wed 30 Nov.
    expect(scotland.filter((d) => d.startsWith('2022'))).toEqual(['2022-01-03', '2022-01-04', '2022-04-15', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-01', '2022-09-19', '2022-11-30', '2022-12-26', '2022-12-27']);
    // Northern Ireland 2025: St Patrick's Mon 17 Mar, the Boyne Sat 12 Jul → Mon 14 Jul.
    expect(northernIreland.filter((d) => d.startsWith('2025'))).toEqual(['2025-01-01', '2025-03-17', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-07-14', '2025-08-25', '2025-12-25', '2025-12-26']);
    // The union holds each part's own days: St Andrew's (Scotland), the Boyne (NI), Easter Monday (E&W).
    expect(['2025-12-01', '2025-07-14', '2025-04-21', '2025-01-02'].every((d) => unitedKingdom.includes(d))).toBe(true);
    expect(bankHolidays['united-kingdom']).toBe(unitedKingdom);
  });

  it('never count Christmas Day or Good Friday as working days', () => {
    const cal = rules.calendars.get('working-days-england-and-wales')!;
    expect(isWorkingDay(cal, '2025-12-25')).toBe(false);
    expect(isWorkingDay(cal, '2025-04-18')).toBe(false); // Good Friday 2025
    expect(goodFridays.size).toBe(16); // one a year, 2015–2030
    expect(isWorkingDay(cal, '2025-12-24')).toBe(true);
  });
});

describe('working-day and month arithmetic', () => {
  it('adds calendar months to the corresponding date or the month end', () => {
    expect(addCalendarMonths('2025-09-03', 1)).toBe('2025-10-03');
    expect(addCalendarMonths('2025-03-31', 1)).toBe('2025-04-30');
    expect(addCalendarMonths('2024-01-31', 1)).toBe('2024-02-29'); // leap year
    expect(addCalendarMonths('2025-11-30', 3)).toBe('2026-02-28');
  });

  it('counts working days after day 0', () => {
    const cal = rules.calendars.get('working-days-england-and-wales')!;
    // Fri 2 May 2025 + 1: Mon 5 May is the early May bank holiday → Tue 6 May.
    expect(addWorkingDays(cal, '2025-05-02', 1)).toBe('2025-05-06');
    expect(workingDaysBetween(cal, '2025-05-02', '2025-05-06')).toBe(1);
    expect(addWorkingDays(cal, '2025-05-02', 0)).toBe('2025-05-02');
  });
});

describe('FOI requests (20 working days, UK-wide bank holidays)', () => {
  it('received on the Friday before a bank holiday Monday', () => {
    // Day 0 Fri 2 May 2025; Mon 5 May (early May) skipped: 6–9 May days 1–4, 12–16 May 5–9,
    // 19–23 May 10–14, Mon 26 May (spring) skipped, 27–30 May 15–18, Mon 2 Jun 19, Tue 3 Jun 20.
    const c = clockOf('foi', facts('2025-05-02 16:45'));
    expect(c.startDay).toBe('2025-05-02');
    expect(c.dueDay).toBe('2025-06-03');
    // End of 3 June local (BST, UTC+1) = 2025-06-03T23:00Z.
    expect(new Date(c.dueAt!).toISOString()).toBe('2025-06-03T23:00:00.000Z');
  });

  it('received on a Saturday (day 1 is the Monday; St Patrick\'s Day counts UK-wide)', () => {
    // Day 0 Sat 8 Mar 2025; 10–14 Mar days 1–5; Mon 17 Mar St Patrick's Day (NI) skipped under
    // FOIA s10(6); 18–21 Mar 6–9, 24–28 Mar 10–14, 31 Mar 15, 1–4 Apr 16–19, Mon 7 Apr 20.
    const c = clockOf('foi', facts('2025-03-08 10:00'));
    expect(c.dueDay).toBe('2025-04-07');
    // A response on 7 Apr at 23:59:59 is met (the end of day 20); 8 Apr 00:00:01 is late.
    expect(caseOutcome(c.dueAt, at('2025-04-07 23:59:59'), at('2025-05-01'))).toBe('met');
    expect(caseOutcome(c.dueAt, at('2025-04-08 00:00:01'), at('2025-05-01'))).toBe('late');
    expect(caseOutcome(c.dueAt, null, at('2025-04-07 12:00'))).toBe('open');
    expect(caseOutcome(c.dueAt, null, at('2025-04-08 00:00:01'))).toBe('overdue');
  });

  it('over Christmas and New Year, in England and in Scotland (2 January)', () => {
    // Received Mon 15 Dec 2025. England and Wales (stage 2 complaint, 20 working days):
    // 16–19 Dec days 1–4, 22–24 Dec 5–7, 25 and 26 Dec holidays, 29–31 Dec 8–10, 1 Jan holiday,
    // Fri 2 Jan 11, 5–9 Jan 12–16, 12–15 Jan 17–20 → Thu 15 Jan 2026.
    expect(clockOf('complaint-stage-2', facts('2025-12-15 09:00')).dueDay).toBe('2026-01-15');
    // Scotland (FOISA): Fri 2 Jan is a bank holiday too, so day 11 is Mon 5 Jan → day 20 Fri 16 Jan.
    expect(clockOf('foisa', facts('2025-12-15 09:00')).dueDay).toBe('2026-01-16');
    // FOI counts a holiday anywhere in the UK, so the Scottish 2 January too → Fri 16 Jan.
    expect(clockOf('foi', facts('2025-12-15 09:00')).dueDay).toBe('2026-01-16');
  });

  it('restarts the clock on the clarification (FOIA s1(3))', () => {
    // Received Mon 2 Jun 2025, clarification asked 4 Jun, received Tue 10 Jun = new day 0:
    // 11–13 Jun days 1–3, 16–20 Jun 4–8, 23–27 Jun 9–13, 30 Jun 14, 1–4 Jul 15–18, 7–8 Jul 19–20.
    const c = clockOf('foi', facts('2025-06-02 11:00', { clarificationRequestedAt: '2025-06-04 09:00', clarificationReceivedAt: '2025-06-10 15:00', respondedAt: '2025-07-08 17:00' }));
    expect(c.startDay).toBe('2025-06-10');
    expect(c.dueDay).toBe('2025-07-08');
    expect(c.workingDaysToRespond).toBe(20);
    expect(c.events.map((e) => e.kind)).toEqual(['received', 'clarification_requested', 'clarification_received', 'clock_start', 'due', 'responded']);
    // Asked and not answered: the clock waits, no due date, neither met nor late.
    const waiting = clockOf('foi', facts('2025-06-02 11:00', { clarificationRequestedAt: '2025-06-04 09:00' }));
    expect([waiting.startDay, waiting.dueAt, waiting.waitingFor]).toEqual([null, null, 'clarification']);
    expect(caseOutcome(waiting.dueAt, null, at('2025-12-01'))).toBe('stopped');
  });

  it('disregards the fee pause, notice day and fee day included (FOIA s10(2))', () => {
    // Received Mon 1 Sep 2025: 2–4 Sep days 1–3; notice Fri 5 Sep, fee Wed 10 Sep: 5, 8, 9, 10
    // Sep disregarded (4 working days); 11–12 Sep 4–5, 15–19 Sep 6–10, 22–26 Sep 11–15,
    // 29–30 Sep 16–17, 1–3 Oct 18–20 → Fri 3 Oct (without the pause: Mon 29 Sep).
    const c = clockOf('foi', facts('2025-09-01 10:00', { feeRequestedAt: '2025-09-05 12:00', feeReceivedAt: '2025-09-10 09:30', respondedAt: '2025-10-02 14:00' }));
    expect(c.dueDay).toBe('2025-10-03');
    expect(c.pausedWorkingDays).toBe(4);
    // Responded Thu 2 Oct: working days 2,3,4 Sep (3) + 11–12 (2) + 15–19 (5) + 22–26 (5) + 29–30 (2) + 1–2 Oct (2) = 19.
    expect(c.workingDaysToRespond).toBe(19);
    expect(caseOutcome(c.dueAt, at('2025-10-02 14:00'), at('2025-11-01'))).toBe('met');
  });
});

describe('subject access requests (one calendar month)', () => {
  it('received on 31 January in a leap year and in another', () => {
    // 31 Jan 2024 + 1 month: no 31 Feb → last day, Thu 29 Feb 2024 (a working day).
    expect(clockOf('sar', facts('2024-01-31 10:00')).dueDay).toBe('2024-02-29');
    // 31 Jan 2025 + 1 month → Fri 28 Feb 2025.
    expect(clockOf('sar', facts('2025-01-31 10:00')).dueDay).toBe('2025-02-28');
  });

  it('moves a due date on a Sunday to the Monday; the issue\'s examples', () => {
    // Thu 7 Aug 2025 + 1 month = Sun 7 Sep → Mon 8 Sep.
    expect(clockOf('sar', facts('2025-08-07 10:00')).dueDay).toBe('2025-09-08');
    expect(clockOf('sar', facts('2025-09-03 10:00')).dueDay).toBe('2025-10-03'); // Fri
    expect(clockOf('sar', facts('2025-03-31 10:00')).dueDay).toBe('2025-04-30'); // Wed
  });

  it('starts on receipt of the identity evidence asked for', () => {
    // Received 3 Sep 2025, identity asked 4 Sep, received Mon 15 Sep → day 0; + 1 month = Wed 15 Oct.
    const c = clockOf('sar', facts('2025-09-03 10:00', { idRequestedAt: '2025-09-04 10:00', idReceivedAt: '2025-09-15 12:00' }));
    expect([c.startDay, c.dueDay]).toEqual(['2025-09-15', '2025-10-15']);
  });

  it('extends by up to two further months', () => {
    // Received 3 Sep 2025, due Fri 3 Oct; extended to Mon 3 Nov: allowed.
    const ok = clockOf('sar', facts('2025-09-03 10:00', { extendedTo: '2025-11-03' }));
    expect([ok.originalDueDay, ok.dueDay, ok.extended]).toEqual(['2025-10-03', '2025-11-03', true]);
    // Longest: one month + two = 3 months from 3 Sep = Wed 3 Dec 2025 (a working day): the cap.
    const capped = clockOf('sar', facts('2025-09-03 10:00', { extendedTo: '2026-02-01' }));
    expect([capped.dueDay, capped.extended]).toEqual(['2025-12-03', true]);
  });
});

describe('stage 1 complaints (5 working days, extendable to 10)', () => {
  // Received Mon 6 Oct 2025: day 5 Mon 13 Oct; extended to day 10: 7–10 Oct 1–4, 13–17 Oct 5–9, Mon 20 Oct 10.
  const extended = { extendedTo: '2025-10-20', extensionReason: 'investigation needs a site visit' };

  it('an extended complaint answered on day 9 is met', () => {
    const c = clockOf('complaint-stage-1', facts('2025-10-06 09:00', { ...extended, respondedAt: '2025-10-17 15:00' }));
    expect([c.originalDueDay, c.dueDay, c.extended, c.workingDaysToRespond]).toEqual(['2025-10-13', '2025-10-20', true, 9]);
    expect(caseOutcome(c.dueAt, at('2025-10-17 15:00'), at('2025-11-01'))).toBe('met');
  });

  it('an extended complaint answered on day 11 is late', () => {
    // Day 11 = Tue 21 Oct.
    const c = clockOf('complaint-stage-1', facts('2025-10-06 09:00', { ...extended, respondedAt: '2025-10-21 10:00' }));
    expect(c.workingDaysToRespond).toBe(11);
    expect(caseOutcome(c.dueAt, at('2025-10-21 10:00'), at('2025-11-01'))).toBe('late');
    expect(c.events.map((e) => e.kind)).toEqual(['received', 'clock_start', 'due', 'extension', 'deadline_passed', 'responded']);
  });

  it('caps an extension beyond 10 working days and ignores one before the due date', () => {
    expect(clockOf('complaint-stage-1', facts('2025-10-06 09:00', { extendedTo: '2025-10-31' })).dueDay).toBe('2025-10-20');
    const early = clockOf('complaint-stage-1', facts('2025-10-06 09:00', { extendedTo: '2025-10-10' }));
    expect([early.dueDay, early.extended]).toEqual(['2025-10-13', false]);
  });

  it('refuses a date outside the years of the bank-holiday sets', () => {
    expect(() => clockOf('complaint-stage-1', facts('2014-06-02 09:00'))).toThrow(/outside the years/);
  });
});
