// The parts of dns2 (2.1, untyped) that anycastd uses: its UDP client for self-checks and its packet codec.

declare module 'dns2' {
  interface Dns2Header {
    id: number;
    qr: number;
    aa: number;
    rd: number;
    rcode: number;
  }
  interface Dns2Record {
    name: string;
    type: number;
    class: number;
    ttl: number;
    serial?: number;
    address?: string;
    data?: string;
  }
  class Packet {
    header: Dns2Header;
    questions: { name: string; type: number; class: number }[];
    answers: Dns2Record[];
    authorities: Dns2Record[];
    additionals: Dns2Record[];
    toBuffer(): Buffer;
    static parse(buf: Buffer): Packet;
    static TYPE: Record<string, number>;
    static CLASS: Record<string, number>;
    static createResponseFromRequest(req: Packet): Packet;
  }
  type Resolve = (name: string, type?: string, cls?: number, opts?: { recursive?: boolean }) => Promise<Packet>;
  interface ClientOptions {
    dns: string;
    port: number;
    /** Passed straight to dgram: an options object with an AbortSignal works too. */
    socketType?: string | { type: 'udp4' | 'udp6'; signal?: AbortSignal };
  }
  const dns2: {
    Packet: typeof Packet;
    UDPClient(opts: ClientOptions): Resolve;
    TCPClient(opts: ClientOptions): Resolve;
    createServer(opts: object): { listen(opts: object): Promise<void>; close(): Promise<void>; on(ev: string, fn: (...a: unknown[]) => void): void };
  };
  export default dns2;
}
