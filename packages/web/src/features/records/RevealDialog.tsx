import { Button, Checkbox, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { request } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formErrorsOf } from './form-values';
import { useLabels } from './labels';
import { apiPath } from './records-api';

export const REVEAL_SECONDS = 30;

interface Props {
  object: string;
  id: string;
  /** The fields the person sees masked. */
  fields: string[];
  opened: boolean;
  onClose: () => void;
  /** The values, handed to the page's own state (never to the query cache). */
  onRevealed: (values: Record<string, string | null>) => void;
}

/**
 * Reveal-with-reason: the reason is one of the installation's codes (GET /api/v1/reveal-reasons),
 * with an optional note; the step-up prompt appears by itself when the server asks for a fresh
 * second factor. The answer is not kept here: it goes straight to the page, which drops it after
 * REVEAL_SECONDS.
 */
export function RevealDialog({ object, id, fields, opened, onClose, onRevealed }: Props) {
  const { t, fieldLabel } = useLabels();
  const reasons = useQuery({
    queryKey: ['reveal-reasons'],
    enabled: opened,
    staleTime: 10 * 60_000,
    queryFn: async () => await request<{ reasons: string[]; noteRequiredFor: string[] }>('GET', '/api/v1/reveal-reasons'),
  });
  const [chosen, setChosen] = useState<string[]>(fields);
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const needsNote = reason !== null && (reasons.data?.noteRequiredFor ?? []).includes(reason);

  const submit = async () => {
    if (sending) return;
    if (!reason) {
      setErrors({ reason: t('records:reveal.reasonRequired') });
      return;
    }
    setSending(true);
    setFailure(null);
    try {
      const answer = await request<{ id: string; values: Record<string, string | null> }>('POST', apiPath(object, id, '/reveal'), {
        body: { fields: chosen, reason, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      onRevealed(answer.values);
      setNote('');
      setReason(null);
      onClose();
    } catch (error) {
      setErrors(formErrorsOf(error));
      setFailure(error);
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common:actions.close') }}
      lockScroll={false}
      title={t('records:reveal.title')}
      data-testid="reveal-dialog"
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          {failure && Object.keys(errors).length === 0 ? <ErrorNotice error={failure} /> : null}
          <Checkbox.Group label={t('records:reveal.fields')} value={chosen} onChange={setChosen} error={errors.fields}>
            <Stack gap={4} mt={4}>
              {fields.map((field) => (
                <Checkbox key={field} value={field} label={fieldLabel(object, field)} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Select
            label={t('records:reveal.reason')}
            withAsterisk
            data-testid="reveal-reason"
            data={(reasons.data?.reasons ?? []).map((code) => ({ value: code, label: t(`records:reveal.reasons.${code}`, { defaultValue: code }) }))}
            value={reason}
            onChange={(value) => {
              setReason(value);
              setErrors(({ reason: _, ...rest }) => rest);
            }}
            error={errors.reason}
            placeholder={t('records:form.choose')}
          />
          <Textarea
            label={t('records:reveal.note')}
            description={needsNote ? t('records:reveal.noteNeeded') : t('records:reveal.noteHint')}
            withAsterisk={needsNote}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            error={errors.note}
            maxLength={500}
            data-testid="reveal-note"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common:actions.cancel')}
            </Button>
            <Button type="submit" loading={sending} disabled={sending || chosen.length === 0} data-testid="reveal-confirm">
              {t('records:reveal.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
