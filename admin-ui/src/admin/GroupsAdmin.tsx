import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TGroup, TUser } from '@deskmate/shared';
import { groupApi, userApi } from '../api/client';
import { keys } from '../api/keys';
import { useGroups } from '../hooks/data';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { isAgent } from '@deskmate/shared';

function GroupCard({ group, agents }: { group: TGroup; agents: TUser[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const refresh = (what: string) => () => {
    void queryClient.invalidateQueries({ queryKey: keys.groups });
    toast(what);
  };
  const update = useMutation({
    mutationFn: (body: { name?: string; description?: string | null; roundRobin?: boolean }) =>
      groupApi.update(group.id, body),
    onSuccess: refresh(`${group.name} saved`),
  });
  const members = useMutation({
    mutationFn: (ids: string[]) => groupApi.setMembers(group.id, ids),
    onSuccess: refresh('Members saved'),
  });
  const remove = useMutation({
    mutationFn: () => groupApi.remove(group.id),
    onSuccess: refresh(`${group.name} deleted`),
  });
  return (
    <section className="card stack" aria-label={`Group ${group.name}`}>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ name: name.trim(), description: description.trim() || null });
        }}
      >
        <Field label="Name">
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description">
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn-secondary" disabled={update.isPending}>
          Save
        </button>
      </form>
      <label className="check">
        <input
          type="checkbox"
          checked={group.roundRobin}
          onChange={(e) => update.mutate({ roundRobin: e.target.checked })}
        />
        Round-robin: new tickets go to the member with the fewest open tickets (away members are skipped)
      </label>
      <fieldset className="choice-group">
        <legend>Members</legend>
        <div className="choices">
          {agents.map((a) => (
            <label key={a.id} className="check">
              <input
                type="checkbox"
                checked={group.memberIds.includes(a.id)}
                disabled={members.isPending}
                onChange={(e) =>
                  members.mutate(
                    e.target.checked ? [...group.memberIds, a.id] : group.memberIds.filter((id) => id !== a.id),
                  )
                }
              />
              {a.name}
              {a.away ? ' (away)' : ''}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorMessage error={update.error ?? members.error ?? remove.error} />
      <div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => window.confirm(`Delete ${group.name}? Its tickets keep their assignee.`) && remove.mutate()}
        >
          Delete group
        </button>
      </div>
    </section>
  );
}

export function GroupsAdmin() {
  const groups = useGroups();
  const users = useQuery({ queryKey: keys.users({ active: 'true' }), queryFn: () => userApi.list({ active: 'true' }) });
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => groupApi.create({ name: name.trim(), roundRobin: false }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: keys.groups });
    },
  });
  const agents = (users.data?.items ?? []).filter((u) => isAgent(u));
  return (
    <div className="page stack">
      <PageHeader title="Groups and round-robin" />
      <form
        className="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="sr-only" htmlFor="new-group">
          New group name
        </label>
        <input
          id="new-group"
          required
          placeholder="New group name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          Create group
        </button>
      </form>
      <ErrorMessage error={create.error ?? groups.error ?? users.error} />
      {!groups.data ? <Loading /> : groups.data.items.map((g) => <GroupCard key={g.id} group={g} agents={agents} />)}
    </div>
  );
}
