import type { ComponentType } from 'react';
import { DetailPage } from './DetailPage';
import { ListPage } from './ListPage';
import { RecordFormPage } from './RecordForm';

/** The record pages bound to one object (the router loads this module lazily, once for all objects). */
const memo = new Map<string, ComponentType>();
const bound = (key: string, make: () => ComponentType): ComponentType => {
  const hit = memo.get(key);
  if (hit) return hit;
  const made = make();
  memo.set(key, made);
  return made;
};

export const listPageFor = (object: string) => bound(`list:${object}`, () => () => <ListPage key={object} object={object} />);
export const createPageFor = (object: string) => bound(`new:${object}`, () => () => <RecordFormPage key={`${object}:new`} object={object} mode="create" />);
export const detailPageFor = (object: string) => bound(`detail:${object}`, () => () => <DetailPage key={object} object={object} />);
export const editPageFor = (object: string) => bound(`edit:${object}`, () => () => <RecordFormPage key={`${object}:edit`} object={object} mode="edit" />);
