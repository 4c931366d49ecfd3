import { addressNotifications } from './notification-address';
import type { NotificationContact, RoutedNotification } from './notification-routing';

const CONTACTS: NotificationContact[] = [
  { id: 'duty-s1', role: 'duty', enterpriseId: null, substationId: 'S1', status: 'active', email: 'duty@s1.example', phone: '+86 1' },
  { id: 'resp-e1', role: 'responsible', enterpriseId: 'E1', substationId: null, status: 'active', email: '', phone: '+86 2' },
  { id: 'mgr-s1', role: 'manager', enterpriseId: null, substationId: 'S1', status: 'active', email: ' mgr@s1.example ', phone: '  ' },
];

const routed = (channel: RoutedNotification['channel'], recipient: string): RoutedNotification => ({
  idempotencyKey: `k|${channel}|${recipient}`,
  channel,
  recipient,
});

describe('addressing notifications', () => {
  it('gives an email its contact’s address and an sms its phone, fixed with the row', () => {
    expect(addressNotifications([routed('email', 'contact:duty-s1'), routed('sms', 'contact:duty-s1')], CONTACTS, {})).toEqual([
      { ...routed('email', 'contact:duty-s1'), to: 'duty@s1.example' },
      { ...routed('sms', 'contact:duty-s1'), to: '+86 1' },
    ]);
    expect(addressNotifications([routed('email', 'contact:mgr-s1')], CONTACTS, {})[0].to).toBe('mgr@s1.example');
  });

  it('needs no address for the webhook', () => {
    expect(addressNotifications([routed('webhook', 'contact:resp-e1')], CONTACTS, {})).toEqual([
      { ...routed('webhook', 'contact:resp-e1'), to: null },
    ]);
  });

  it('stores nothing for a contact without an address on that channel, or one no longer in the register', () => {
    expect(
      addressNotifications(
        [routed('email', 'contact:resp-e1'), routed('sms', 'contact:mgr-s1'), routed('email', 'contact:gone')],
        CONTACTS,
        {},
      ),
    ).toEqual([]);
    expect(addressNotifications([routed('sms', 'contact:resp-e1')], CONTACTS, {})).toHaveLength(1);
  });

  it('reaches the command center at its configured address, and not at all without one', () => {
    const cc = [routed('email', 'command-center'), routed('sms', 'command-center')];
    expect(addressNotifications(cc, CONTACTS, { email: 'cc@zone.example', phone: '+86 110' }).map((n) => n.to)).toEqual([
      'cc@zone.example',
      '+86 110',
    ]);
    expect(addressNotifications(cc, CONTACTS, {})).toEqual([]);
  });
});
