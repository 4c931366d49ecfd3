import { DEFAULT_TIMELINE_POLICY, parseTimelineSeconds } from './timeline-policy';

describe('parseTimelineSeconds', () => {
  it.each([
    ['60,180,300', { acknowledgeS: 60, onSceneS: 180, underControlS: 300 }],
    [' 30 , 120 ,240 ', { acknowledgeS: 30, onSceneS: 120, underControlS: 240 }],
    ['60,60,60', { acknowledgeS: 60, onSceneS: 60, underControlS: 60 }],
  ])('parses %p', (text, policy) => {
    expect(parseTimelineSeconds(text)).toEqual(policy);
  });

  it.each([
    '',
    '60,180',
    '60,180,300,400',
    '60,x,300',
    '60,180.5,300',
    '-60,180,300',
    '0,180,300',
    '60,30,300',
    '60,180,120',
    '6e1,180,300',
  ])('refuses %p', (text) => {
    expect(() => parseTimelineSeconds(text)).toThrow('timeline seconds');
  });

  it('defaults to the 1-3-5 rule', () => {
    expect(DEFAULT_TIMELINE_POLICY).toEqual(parseTimelineSeconds('60,180,300'));
  });
});
