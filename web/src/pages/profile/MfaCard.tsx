import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  List,
  Modal,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconShieldCheck, IconShieldOff } from "@tabler/icons-react";
import { QRCodeSVG } from "qrcode.react";
import { useState } from "react";

import { applyProblemToForm } from "../../api/forms";
import { ErrorAlert } from "../../components/ErrorAlert";
import { CopyValueButton } from "../../components/CopyValueButton";
import { useConfirmMfa, useDisableMfa, useEnrollMfa, type Enrolment } from "./queries";
import { SectionCard } from "./SectionCard";

/** A TOTP secret in groups of four, as authenticator apps show it and people type it. */
function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}

export function MfaCard({ mfaEnabled }: { mfaEnabled: boolean }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  const enroll = useEnrollMfa();
  const startEnrolment = () => enroll.mutate(undefined, { onSuccess: (result) => setEnrolment(result) });

  const status = mfaEnabled ? (
    <Badge color="teal" variant="light" leftSection={<IconShieldCheck size={12} />}>
      On
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      Off
    </Badge>
  );

  let body;
  if (recoveryCodes) {
    body = <RecoveryCodes codes={recoveryCodes} onDone={() => setRecoveryCodes(null)} />;
  } else if (enrolment && !mfaEnabled) {
    body = (
      <EnrolmentStep
        enrolment={enrolment}
        onConfirmed={(codes) => {
          setEnrolment(null);
          setRecoveryCodes(codes);
        }}
        onCancel={() => setEnrolment(null)}
      />
    );
  } else if (mfaEnabled) {
    body = <DisableMfa />;
  } else {
    body = (
      <Stack gap="sm" align="flex-start">
        {enroll.isError ? <ErrorAlert error={enroll.error} onRetry={startEnrolment} /> : null}
        <Button
          leftSection={<IconShieldCheck size={16} />}
          loading={enroll.isPending}
          onClick={startEnrolment}
        >
          Set up two-factor authentication
        </Button>
      </Stack>
    );
  }

  return (
    <SectionCard
      title="Two-factor authentication"
      badge={status}
      description="Sign-in asks for a code from an authenticator app (such as FreeOTP or 1Password) after your password."
    >
      {body}
    </SectionCard>
  );
}

function EnrolmentStep({
  enrolment,
  onConfirmed,
  onCancel,
}: {
  enrolment: Enrolment;
  onConfirmed: (recoveryCodes: string[]) => void;
  onCancel: () => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { code: "" },
    validate: { code: (value) => (/^\d{6}$/.test(value.trim()) ? null : "Enter the 6-digit code.") },
  });

  const confirm = useConfirmMfa();
  const submit = (code: string) =>
    confirm.mutate(code, {
      onSuccess: (result) => onConfirmed(result.recovery_codes),
      onError: (error) => {
        setMessage(applyProblemToForm(form, error));
        form.setFieldValue("code", "");
      },
    });

  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xl">
      <Stack gap="sm">
        <List type="ordered" size="sm" spacing={4}>
          <List.Item>Scan the QR code with your authenticator app, or type the key below.</List.Item>
          <List.Item>Enter the 6-digit code the app shows to finish.</List.Item>
        </List>
        <Paper p="md" w="fit-content" bg="white" aria-label="QR code for your authenticator app" role="img">
          <QRCodeSVG value={enrolment.otpauth_uri} size={180} marginSize={1} title="Authenticator QR code" />
        </Paper>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="mfa-secret-label">
            Setup key
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Code fz="sm" aria-labelledby="mfa-secret-label" data-testid="mfa-secret">
              {groupSecret(enrolment.secret)}
            </Code>
            <CopyValueButton value={enrolment.secret} label="Copy setup key" compact />
          </Group>
        </Stack>
      </Stack>
      <form
        onSubmit={form.onSubmit((values) => {
          setMessage(null);
          submit(values.code.trim());
        })}
        noValidate
        aria-label="Confirm two-factor authentication"
      >
        <Stack gap="sm">
          {message ? (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          ) : null}
          <TextInput
            label="Code from your app"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={6}
            required
            autoFocus
            {...form.getInputProps("code")}
          />
          <Group gap="sm">
            <Button type="submit" loading={confirm.isPending}>
              Turn on
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </SimpleGrid>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Alert color="teal" icon={<IconShieldCheck size={18} />} title="Two-factor authentication is on">
        Save these recovery codes somewhere safe. Each signs you in once if you lose your device. They are
        shown only now.
      </Alert>
      <SimpleGrid
        cols={{ base: 2, sm: 5 }}
        spacing="xs"
        component="ul"
        style={{ listStyle: "none", padding: 0, margin: 0 }}
        aria-label="Recovery codes"
      >
        {codes.map((code) => (
          <li key={code}>
            <Code fz="sm" block ta="center" data-testid="recovery-code">
              {code}
            </Code>
          </li>
        ))}
      </SimpleGrid>
      <Group gap="sm">
        <CopyValueButton value={codes.join("\n")} label="Copy recovery codes" />
        <Button variant="default" onClick={onDone}>
          I have saved them
        </Button>
      </Group>
    </Stack>
  );
}

function DisableMfa() {
  const [opened, { open, close }] = useDisclosure(false);
  const [message, setMessage] = useState<string | null>(null);
  const form = useForm({
    mode: "controlled",
    initialValues: { password: "", code: "" },
    validate: {
      password: (value) => (value ? null : "Enter your password."),
      code: (value) => (value.trim() ? null : "Enter a code from your app or a recovery code."),
    },
  });

  const disable = useDisableMfa();
  const submit = (values: { password: string; code: string }) =>
    disable.mutate(values, {
      onSuccess: () => {
        close();
        form.reset();
        notifications.show({ message: "Two-factor authentication is off.", color: "teal" });
      },
      onError: (error) => setMessage(applyProblemToForm(form, error)),
    });

  return (
    <>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">Your account asks for a code at every sign-in.</Text>
        <Button color="red" variant="light" leftSection={<IconShieldOff size={16} />} onClick={open}>
          Turn off
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title="Turn off two-factor authentication">
        <form
          onSubmit={form.onSubmit((values) => {
            setMessage(null);
            submit({ password: values.password, code: values.code.trim() });
          })}
          noValidate
        >
          <Stack gap="sm">
            <Text size="sm">
              Confirm with your password and a current code from your authenticator app or a recovery code.
            </Text>
            {message ? (
              <Alert color="red" role="alert">
                {message}
              </Alert>
            ) : null}
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              data-autofocus
              {...form.getInputProps("password")}
            />
            <TextInput label="Code" autoComplete="one-time-code" required {...form.getInputProps("code")} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={disable.isPending}>
                Turn off
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
