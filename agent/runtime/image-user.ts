import { BerthError } from '../../lib/errors';

/** The image's USER names a user or group its /etc/passwd or /etc/group does not hold. */
export class UnknownUserError extends BerthError {}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** From the passwd entry; "/" when the user has none. */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3]))
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }));
}

function parseGroup(text: string): GroupEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') }));
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

/**
 * Resolves an image USER ("", "1000", "1000:1000", "nobody", "app:staff") against the image's
 * /etc/passwd and /etc/group the way runc/Docker do: a numeric uid needs no entry (its gid is
 * then 0 unless given), a name must exist; with no group given, a named user also gets the
 * groups that list it as a member.
 */
export function resolveImageUser(userSpec: string | undefined, passwdText = '', groupText = ''): ResolvedUser {
  const [userPart, groupPart] = (userSpec ?? '').split(':', 2) as [string, string | undefined];
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);

  const user = userPart === '' ? '0' : userPart;
  const entry = isNumeric(user) ? passwd.find((p) => p.uid === Number(user)) : passwd.find((p) => p.name === user);
  if (!entry && !isNumeric(user)) throw new UnknownUserError(`unable to find user ${user}: no matching entries in passwd file`);
  const uid = entry?.uid ?? Number(user);
  let gid = entry?.gid ?? 0;
  const home = entry?.home ?? '/';

  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new UnknownUserError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
    return { uid, gid, additionalGids: [], home };
  }

  const additionalGids = entry && !isNumeric(user) ? groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid) : [];
  return { uid, gid, additionalGids, home };
}
